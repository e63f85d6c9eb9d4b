"""The portal's search: one field for what, one for where, results in four tabs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from orientation.directory.codelists import Public
from orientation.directory.typologies import Typology
from orientation.labels.selectors import labelled_among
from orientation.occupations.models import GrandDomaine
from orientation.search.analysis import query_words
from orientation.search.query import DEFAULT_RADIUS_KM, UNLOCATED, Kind, SearchQuery, Sort
from orientation.search.ranking import asks_for_training
from orientation.search.selectors import Location, locate, search
from orientation.statistics import audience
from orientation.studies.models import ATTRIBUTION, LICENCE_URL
from orientation.territories.geo import is_in_france
from orientation.trainings.codelists import FUNDERS, TEACHING_MODES
from orientation.www import maps

PAGE_SIZE = 20
RADIUS_KM = DEFAULT_RADIUS_KM
TABS = [
    ("metiers", Kind.OCCUPATION, "Métiers"),
    ("formations", Kind.TRAINING, "Formations"),
    ("etudes", Kind.STUDY, "Études et diplômes"),
    ("lieux", Kind.PLACE, "Lieux"),
]
#: the filters each tab offers, in the order shown
FACETS = {
    Kind.OCCUPATION: [("domaine", "Domaine")],
    Kind.TRAINING: [
        ("start", "Début"),
        ("modality", "Modalité"),
        ("work_study", "En alternance"),
        ("cpf", "Payable avec le CPF"),
        ("certifying", "Certifiante"),
        ("funder", "Financement"),
        ("department", "Département"),
    ],
    Kind.PLACE: [("typology", "Type de lieu"), ("public", "Public"), ("department", "Département")],
    Kind.STUDY: [("study_level", "Niveau d’études"), ("study_kind", "Type de formation")],
}


#: the page of each kind of result, by its URL name and a sample key
PAGES = {
    Kind.OCCUPATION: ("www:occupation", "A0000"),
    Kind.TRAINING: ("www:training", "0"),
    Kind.PLACE: ("www:place", "0"),
    Kind.STUDY: ("www:study", "FOR.0"),
}


def _url_prefix(kind: Kind) -> str:
    """The URL of a result of that kind without its key: one reverse per page, not per result."""
    name, sample = PAGES[kind]
    url = reverse(name, args=[sample])
    return url[: -len(sample) - 1]


#: filters a link may set that are not offered as facets (from an occupation's page)
HIDDEN_FILTERS = {Kind.TRAINING: ["rome", "rncp"], Kind.STUDY: ["rome", "rncp"]}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    url: str


def _labels(facet: str) -> dict[str, str]:
    if facet == "typology":
        return {str(value): str(label) for value, label in Typology.choices}
    if facet == "public":
        return {str(value): str(label) for value, label in Public.choices}
    if facet == "funder":
        return dict(FUNDERS)
    if facet == "domaine":
        return dict(GrandDomaine.objects.values_list("code", "label"))
    if facet == "modality":
        return dict(TEACHING_MODES.values())
    return {"oui": "Oui", "non": "Non"}


def _month_label(value: str) -> str:
    """« 2027-03 » → « mars 2027 »."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date_format(date(year, month, 1), "F Y")
    except ValueError:
        return value


#: the radii a person may choose around a town (km), and the sorts of the trainings
RADII = (10, 30, 50, 100)
SORT_LABELS = [("pertinence", "Pertinence", Sort.RELEVANCE), ("distance", "Distance", Sort.DISTANCE),
               ("debut", "Date de début", Sort.START)]  # fmt: skip
SORTS = {name: sort for name, _label, sort in SORT_LABELS}


def _position(latitude: str, longitude: str) -> tuple[float, float] | None:
    """The browser's position (« Près de moi »), when it is a point in France."""
    try:
        point = (round(float(latitude), 5), round(float(longitude), 5))
    except ValueError:
        return None
    return point if is_in_france(*point) else None


def search_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:200].strip()
    where = (request.GET.get("ou") or request.GET.get("where") or "")[:100].strip()  # the API's name too
    tab = request.GET.get("type", "")
    kind = next((kind for slug, kind, _label in TABS if slug == tab), None)
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        page = 1
    near_me = _position(request.GET.get("lat", ""), request.GET.get("lon", ""))
    location = Location(gettext("votre position"), *near_me) if near_me else (locate(where) if where else None)
    try:
        radius = int(request.GET.get("rayon", RADIUS_KM))
    except ValueError:
        radius = RADIUS_KM
    radius = radius if radius in RADII else RADIUS_KM
    point = (
        SearchQuery(latitude=location.latitude, longitude=location.longitude, radius_km=radius)
        if location
        else SearchQuery()
    )
    counts = search(replace(point, text=text, page_size=0, facets=("kind",))).facets.get("kind", {})
    if location:
        # Occupations and studies are not anywhere: they are counted and searched without the place.
        for unlocated in sorted(UNLOCATED):
            found = search(SearchQuery(text=text, kind=unlocated, page_size=0, facets=("kind",)))
            counts = {**counts, **found.facets.get("kind", {})}
    if kind is None:
        # The first tab with results, in the order people look for: occupations, trainings,
        # places; the trainings first when the query names one (« bts », « diplôme cuisine »).
        # A place and nothing typed (« Près de moi », a town alone) asks what is near: the
        # trainings, then the places, before what is nowhere in particular.
        order = [kind for _slug, kind, _label in TABS]
        if asks_for_training(query_words(text)):
            order.insert(0, order.pop(order.index(Kind.TRAINING)))
        if location and not text:
            order.sort(key=lambda candidate: candidate in UNLOCATED)
        kind = next((kind for kind in order if counts.get(str(kind))), Kind.OCCUPATION)
    slug = next(slug for slug, candidate, _label in TABS if candidate == kind)
    accepted = [facet for facet, _label in FACETS[kind]] + HIDDEN_FILTERS.get(kind, [])
    filters = {facet: request.GET[facet][:60] for facet in accepted if request.GET.get(facet, "").strip()}
    # Near a town, the nearest place first; a training by relevance unless nothing was typed.
    sort = (
        Sort.DISTANCE if location and (kind == Kind.PLACE or (kind == Kind.TRAINING and not text)) else Sort.RELEVANCE
    )
    chosen_sort = request.GET.get("tri", "")
    if chosen_sort == "distance" and not location:
        chosen_sort = ""  # no distance without a town
    if kind == Kind.TRAINING and chosen_sort in SORTS:
        sort = SORTS[chosen_sort]
    scope = point if kind not in UNLOCATED else SearchQuery()
    results = search(
        replace(
            scope,
            text=text,
            kind=kind,
            filters=filters,
            sort=sort,
            page=page,
            page_size=PAGE_SIZE,
            facets=tuple(facet for facet, _label in FACETS[kind]),
        )
    )
    base = {"q": text, "ou": where, "type": slug, **filters}
    if location and radius != RADIUS_KM:
        base["rayon"] = str(radius)
    if kind == Kind.TRAINING and chosen_sort in SORTS:
        base["tri"] = chosen_sort
    if near_me:
        base.update(lat=str(near_me[0]), lon=str(near_me[1]))

    def url(**changes: str | None) -> str:
        params = {key: value for key, value in {**base, **changes}.items() if value}
        return "?" + urlencode(params)

    facets = []
    for facet, label in FACETS[kind]:
        values = results.facets.get(facet, {})
        if not values:
            continue
        labels = _labels(facet) if facet not in ("department", "start") else {}
        if facet == "start":  # months in their order, the next twelve
            ordered = sorted(values.items())[:12]
            labels = {value: _month_label(value) for value, _count in ordered}
        else:
            ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))[:15]
        facets.append(
            (
                label,
                [
                    FacetValue(
                        value=value,
                        label=labels.get(value, value),
                        count=count,
                        active=filters.get(facet) == value,
                        url=url(**{facet: None if filters.get(facet) == value else value, "page": None}),
                    )
                    for value, count in ordered
                ],
            )
        )
    if page == 1 and (text or location) and not audience.opted_out(request.META):
        audience.count_search(
            kind=str(kind), total=results.total, text=text, department=location.department if location else ""
        )
    pages = (results.total + PAGE_SIZE - 1) // PAGE_SIZE
    first_rank = (page - 1) * PAGE_SIZE + 1
    results_map = None
    if location and kind not in UNLOCATED and results.hits:
        markers = [
            maps.Marker(hit.latitude, hit.longitude, hit.title, number)
            for number, hit in enumerate(results.hits, start=first_rank)
            if hit.latitude is not None and hit.longitude is not None
        ]
        results_map = maps.situation_map(
            location.latitude,
            location.longitude,
            radius,
            markers,
            title=gettext("Carte des résultats %(first)s à %(last)s à moins de %(radius)s km de %(place)s")
            % {
                "first": first_rank,
                "last": first_rank + len(results.hits) - 1,
                "radius": radius,
                "place": location.title or location.label,
            },
            circle=True,
        )
    labelled = (
        labelled_among([int(hit.key) for hit in results.hits if hit.key.isdigit()], timezone.localdate())
        if kind == Kind.PLACE
        else set()
    )
    return render(
        request,
        "www/search.html",
        {
            "title": f"{text or 'Recherche'} — {next(label for _s, k, label in TABS if k == kind)}",
            "text": text,
            "where": where,
            "location": location,
            "near_me": near_me,
            "unknown_place": bool(where) and location is None and not near_me,
            "radius_km": radius,
            "sort": next((name for name, value in SORTS.items() if value == sort), ""),
            "radius_urls": [
                (value, url(rayon=str(value) if value != RADIUS_KM else None, page=None)) for value in RADII
            ]
            if location
            else [],
            "sort_urls": [
                (name, label, url(tri=name, page=None))
                for name, label, _sort in SORT_LABELS
                if location or name != "distance"
            ]
            if kind == Kind.TRAINING
            else [],
            "tabs": [
                {
                    "slug": s,
                    "label": label,
                    "count": counts.get(str(k), 0),
                    "active": k == kind,
                    "url": url(type=s, page=None, **dict.fromkeys(filters)),
                }
                for s, k, label in TABS
            ],
            "kind": str(kind),
            "located": kind not in UNLOCATED,
            "attribution": ATTRIBUTION if kind == Kind.STUDY else "",
            "licence_url": LICENCE_URL,
            "hit_url_prefix": _url_prefix(kind),
            "results": results,
            "facets": facets,
            "page": page,
            "pages": pages,
            "first_rank": first_rank,
            "results_map": results_map,
            "labelled_keys": {str(pk) for pk in labelled},
            # « Suivre cette recherche »: trainings near a town typed, with their filters
            "follow_filters": filters if kind == Kind.TRAINING and location and not near_me else None,
            "previous_url": url(page=str(page - 1)) if page > 1 else None,
            "next_url": url(page=str(page + 1)) if page < pages else None,
        },
    )
