"""Referral pages without an account: the receiving service's secure link, and the person's
own link to follow the request, see the consent, withdraw it or export their data; and the
public directory of services that take referrals, with their measured outcomes.

A link that is unknown, expired or used shows nothing of the referral.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import ServiceOffer
from orientation.referrals import selectors, services
from orientation.referrals.models import PERSONAL_FIELDS, Referral
from orientation.territories.geo import bounding_box, distance_km
from orientation.www.backoffice.referral_forms import AnswerForm, theme_choices
from orientation.www.backoffice.referrals import answer


def private(view: Any) -> Any:
    """A page behind a secret link: never cached, never indexed, its address never sent to another site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = never_cache(view)(request, *args, **kwargs)
        # Not "no-referrer": Chromium then sends « Origin: null » with the form, which CSRF refuses.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


@private
def receive(request: HttpRequest, token: str) -> HttpResponse:
    referral = services.referral_by_receiver_token(token)
    if referral is None:
        expired = services.referral_by_expired_receiver_token(token)
        if expired is not None and request.method == "POST" and request.POST.get("renew"):
            services.referral_renew_link(referral=expired)
            return render(request, "www/referrals/link_renewed.html", {"title": "Nouveau lien envoyé"})
        return render(
            request, "www/referrals/link_invalid.html", {"title": "Lien invalide", "can_renew": expired is not None},
            status=404 if expired is None else 410,
        )  # fmt: skip
    if referral.state == Referral.State.SENT:
        services.referral_mark_seen(referral=referral, actor=services.SECURE_LINK)
        referral.refresh_from_db()
    services.referral_read(referral=referral, actor=services.SECURE_LINK)
    if referral.state == Referral.State.ACCEPTED:
        # Answered: the request and the person's contact, to read again until the link expires.
        return render(
            request,
            "www/referrals/receive.html",
            {
                "title": f"Orientation acceptée : « {referral.offer.name} »",
                "referral": referral,
                "shared": [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields],
                "answered": True,
            },
        )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer(referral, form, services.SECURE_LINK)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return render(
                request,
                "www/referrals/answered.html",
                {"title": "Réponse envoyée", "referral": Referral.objects.get(pk=referral.pk)},
            )
    return render(
        request,
        "www/referrals/receive.html",
        {
            "title": f"Orientation vers « {referral.offer.name} »",
            "referral": referral,
            "themes": referral.theme_labels,
            "shared": [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields],
            "form": form,
        },
    )


@private
def follow(request: HttpRequest, token: str) -> HttpResponse:
    referral = services.referral_by_person_token(token)
    if referral is None:
        return render(request, "www/referrals/link_invalid.html", {"title": "Lien invalide"}, status=404)
    # The workflow's own table says whether the person may still withdraw (not a copy of it).
    can_withdraw = Referral.State.WITHDRAWN in services.FLOW.available(referral, actor=services.PERSON)
    if request.method == "POST" and request.POST.get("withdraw"):
        if not can_withdraw:  # sent again after going back: already done
            messages.info(request, "Cette demande n’est plus en cours : il n’y a rien à retirer.")
            return redirect("www:referral_follow", token=token)
        if not request.POST.get("confirm"):
            # Withdrawing erases what cannot be given back: one more step, which says so.
            return render(
                request, "www/referrals/withdraw_confirm.html", {"title": "Retirer ma demande ?", "referral": referral}
            )
        services.referral_withdraw(referral=referral)
        messages.success(request, "Votre demande est retirée et vos données personnelles ont été effacées.")
        return redirect("www:referral_follow", token=token)
    return render(
        request,
        "www/referrals/follow.html",
        {
            "title": "Suivre ma demande",
            "referral": referral,
            "themes": referral.theme_labels,
            "shared": [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields],
            "can_withdraw": can_withdraw,
            "export_url": reverse("www:referral_follow_export", args=[token]),
        },
    )


@private
def follow_export(request: HttpRequest, token: str) -> HttpResponse:
    referral = services.referral_by_person_token(token)
    if referral is None:
        raise Http404("Lien invalide")
    body = json.dumps(services.person_data_export(referral), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-orientation-{referral.pk}.json"'
    return response


SERVICES_PAGE_SIZE = 20
SERVICES_RADIUS_KM = 30


def offer_list(request: HttpRequest) -> HttpResponse:
    """Services that take referrals, by theme, public and place, with their measured outcomes."""
    from orientation.search.selectors import locate

    theme = request.GET.get("thematique", "")
    public = request.GET.get("public", "")
    where = request.GET.get("ou", "")[:100].strip()
    offers = ServiceOffer.objects.referrable().select_related("organisation", "place", "place__commune")
    if theme in THEMES:
        offers = offers.filter(themes__icontains=f'"{theme}"')
    if public in Public.values:
        offers = offers.filter(publics__icontains=f'"{public}"')
    location = locate(where) if where else None
    distances: dict[int, float] = {}
    if location is not None:
        # Near a town: within 30 km, the nearest first, each with its distance.
        min_lat, max_lat, min_lon, max_lon = bounding_box(location.latitude, location.longitude, SERVICES_RADIUS_KM)
        nearby = offers.filter(place__latitude__range=(min_lat, max_lat), place__longitude__range=(min_lon, max_lon))
        for offer_id, latitude, longitude in nearby.values_list("pk", "place__latitude", "place__longitude"):
            if latitude is None or longitude is None:  # excluded by the box; said for the type checker
                continue
            distance = distance_km(location.latitude, location.longitude, latitude, longitude)
            if distance <= SERVICES_RADIUS_KM:
                distances[offer_id] = round(distance, 1)
        nearest = sorted(distances, key=lambda offer_id: (distances[offer_id], offer_id))[:SERVICES_PAGE_SIZE]
        by_id = offers.in_bulk(nearest)
        total, page = len(distances), [by_id[offer_id] for offer_id in nearest]
    else:
        total = offers.count()
        page = list(offers.order_by("place__commune__name", "name")[:SERVICES_PAGE_SIZE])
    outcomes = selectors.offer_outcomes([offer.pk for offer in page])
    return render(
        request,
        "www/referrals/offer_list.html",
        {
            "title": "Services d’accompagnement",
            "offers": [(offer, outcomes.get(offer.pk), distances.get(offer.pk)) for offer in page],
            "location": location,
            "radius_km": SERVICES_RADIUS_KM,
            "total": total,
            "themes": theme_choices(),
            "publics": Public.choices,
            "theme": theme,
            "public": public,
            "where": where,
            "unknown_place": bool(where) and location is None,
        },
    )


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(ServiceOffer.objects.select_related("organisation", "place", "place__commune"), pk=pk)
    return render(
        request,
        "www/referrals/offer_detail.html",
        {
            "title": offer.name,
            "offer": offer,
            "outcome": selectors.offer_outcomes([offer.pk]).get(offer.pk),
            "themes": offer.theme_labels,
            "publics": [Public(value).label for value in offer.publics if value in Public.values],
        },
    )
