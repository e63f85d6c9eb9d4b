"""Portal pages. Views validate input, call a selector and render."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from orientation.directory.codelists import Public
from orientation.directory.models import Place
from orientation.directory.networks import TRAINING_FILE
from orientation.directory.selectors import canonical_place_id, place_detail
from orientation.labels.selectors import place_labels
from orientation.occupations.models import GrandDomaine, OnisepFiche, RomeFiche
from orientation.occupations.selectors import (
    domaines_with_fiches,
    grand_domaines_with_counts,
    occupation_detail,
    similar_occupations,
    skill_groups,
)
from orientation.search.query import DEFAULT_RADIUS_KM, Kind, SearchQuery, Sort
from orientation.search.selectors import locate, search
from orientation.studies import selectors as studies
from orientation.studies.models import ATTRIBUTION, LICENCE_URL
from orientation.trainings import selectors as trainings
from orientation.trainings.models import Action
from orientation.trainings.selectors import training_detail
from orientation.www import maps, structured_data

#: the map of a place shows this far around it
PLACE_MAP_RADIUS_KM = 8


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "www/home.html",
        {
            "grand_domaines": grand_domaines_with_counts(),
            "counts": {
                "fiches": RomeFiche.objects.count(),
                "onisep": OnisepFiche.objects.count(),
                "actions": Action.objects.open().count(),
                "places": Place.objects.canonical().count(),
            },
        },
    )


def occupation_list(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("domaine", "").strip().upper()[:1] or None
    grand_domaine = GrandDomaine.objects.filter(code=code).first() if code else None
    if code and grand_domaine is None:
        raise Http404("Grand domaine inconnu")
    return render(
        request,
        "www/occupation_list.html",
        {
            "grand_domaines": grand_domaines_with_counts(),
            "current": grand_domaine,
            "domaines": domaines_with_fiches(code) if grand_domaine else [],
        },
    )


def occupation_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    fiche = occupation_detail(code)
    if fiche is None:
        raise Http404("Aucune fiche métier pour ce code ROME")
    return render(
        request,
        "www/occupation_detail.html",
        {
            "fiche": fiche,
            "skill_groups": skill_groups(fiche),
            "similar": similar_occupations(fiche),
            "near": _near_the_person({"rome": fiche.code}, request.GET.get("ou", "")[:100].strip()),
            "studies": _studies_leading_to(fiche.code),
            "title": fiche.title,
            "structured_data": structured_data.to_script(
                structured_data.occupation(fiche, request.build_absolute_uri())
            ),
        },
    )


#: how far around the person the occupation page looks for trainings and places
NEAR_RADIUS_KM = DEFAULT_RADIUS_KM


#: the studies an occupation page lists (shortest first), before « see them all »
STUDIES_SHOWN = 8


def _studies_leading_to(code: str) -> dict[str, object]:
    leading = studies.studies_for_occupation(code)
    return {
        "shown": studies.by_level(leading, STUDIES_SHOWN),
        "total": leading.count(),
        "all_url": reverse("www:search") + "?" + urlencode({"type": "etudes", "rome": code}),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }


def _near_the_person(rome: dict[str, str] | None, where: str) -> dict[str, object]:
    """The trainings matching ``rome`` (the filter of the page: the occupation they lead to,
    the certification they prepare; None: no training to look for) and the places that help,
    near the town typed."""
    answer: dict[str, object] = {"where": where}
    location = locate(where) if where else None
    if location is None:
        answer["unknown_place"] = bool(where)
        answer["national_total"] = (
            search(SearchQuery(kind=Kind.TRAINING, filters=rome, page_size=0, facets=())).total if rome else 0
        )
        return answer
    nearest = SearchQuery(
        latitude=location.latitude,
        longitude=location.longitude,
        radius_km=NEAR_RADIUS_KM,
        sort=Sort.DISTANCE,
        facets=(),
    )
    trainings = search(replace(nearest, kind=Kind.TRAINING, filters=rome, page_size=5)) if rome else None
    places = search(replace(nearest, kind=Kind.PLACE, page_size=3))
    answer.update(
        location=location,
        radius_km=NEAR_RADIUS_KM,
        trainings=trainings,
        places=places,
        all_trainings_url=reverse("www:search") + "?" + urlencode({"ou": where, "type": "formations", **(rome or {})}),
        all_places_url=reverse("www:search") + "?" + urlencode({"ou": where, "type": "lieux"}),
    )
    return answer


def place_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    canonical = canonical_place_id(pk)
    if canonical is None:
        raise Http404("Lieu inconnu")
    if canonical != pk:
        # The same place sent by another provider: one page per real place.
        return redirect("www:place", pk=canonical, permanent=True)
    detail = place_detail(pk)
    assert detail is not None
    place = detail.place
    is_open, opening_status = place.hours.status(timezone.localtime())
    situation, osm = None, None
    if place.latitude is not None and place.longitude is not None:
        situation = maps.situation_map(
            place.latitude,
            place.longitude,
            PLACE_MAP_RADIUS_KM,
            [maps.Marker(place.latitude, place.longitude, place.name)],
            title=gettext("Carte : %(place)s et les communes autour") % {"place": place.name},
        )
        osm = maps.openstreetmap_links(place.latitude, place.longitude)
    return render(
        request,
        "www/place_detail.html",
        {
            "detail": detail,
            "place": place,
            "is_open": is_open,
            "opening_status": opening_status,
            "map": situation,
            "osm": osm,
            "publics": [Public(value).label for value in place.publics if value in Public.values],
            "referral_offers": [offer for offer in detail.offers if offer.accepts_referrals],
            "labels": place_labels(place, timezone.localdate()),
            "title": detail.place.name,
            "structured_data": structured_data.to_script(
                structured_data.place(detail.place, request.build_absolute_uri())
            ),
        },
    )


def training_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = training_detail(pk)
    if action is None:
        raise Http404("Aucune action de formation ouverte sous ce numéro")
    sessions = trainings.sessions_to_show(action, timezone.localdate())
    funding_help = None
    if action.latitude is not None and action.longitude is not None:
        # The nearest places whose services help to put a training's funding together.
        funding_help = search(
            SearchQuery(
                kind=Kind.PLACE,
                filters={"theme": TRAINING_FILE},
                latitude=action.latitude,
                longitude=action.longitude,
                radius_km=NEAR_RADIUS_KM,
                sort=Sort.DISTANCE,
                page_size=3,
                facets=(),
            )
        ).hits
    contact = action.formation.contact or {}
    return render(
        request,
        "www/training_detail.html",
        {
            "action": action,
            "formation": action.formation,
            "sessions": sessions,
            "today": timezone.localdate(),
            "duration": trainings.duration(action, sessions[0] if sessions else None),
            "cpf": trainings.cpf(action.formation),
            # the same certification prepared in initial education (Onisep)
            "studies": studies.studies_preparing(action.formation.rncp_codes),
            "contact": {key: contact.get(key, "") for key in ("name", "phone", "email", "website")},
            "funding_help": funding_help,
            "callback_url": reverse("www:callback") + "?" + urlencode({"besoin": "formation-financement"}),
            "title": action.formation.title,
            "structured_data": structured_data.to_script(
                structured_data.training(action, request.build_absolute_uri())
            ),
        },
    )


def study_detail_view(request: HttpRequest, identifier: str) -> HttpResponse:
    study = studies.study_detail(identifier)
    if study is None:
        raise Http404("Aucune formation initiale ouverte sous cet identifiant Onisep")
    occupations = {fiche.code: fiche for sheet in study.onisep_fiches.all() for fiche in sheet.rome_fiches.all()}
    return render(
        request,
        "www/study_detail.html",
        {
            "study": study,
            "occupations": sorted(occupations.values(), key=lambda fiche: fiche.title),
            # continuing training that prepares the same certification, near the person
            "near": _near_the_person(
                {"rncp": study.rncp_code} if study.rncp_code else None, request.GET.get("ou", "")[:100].strip()
            ),
            "rncp_url": trainings.RNCP_PAGE_URL.format(code=study.rncp_code) if study.rncp_code else "",
            "attribution": ATTRIBUTION,
            "licence_url": LICENCE_URL,
            "title": study.title,
        },
    )
