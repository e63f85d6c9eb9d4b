"""Referrals and service offers in the API.

- ``POST /api/v1/referrals``: another platform sends a referral to one of our services, in the
  format of ``orientation/referrals/schema/referral-v1.json`` (also served at
  ``GET /api/v1/referrals/schema``), with its partner token (``Authorization: Bearer …``).
- ``GET /api/v1/referrals/{id}``: the referral's document and state, for the partner that sent
  it or the organisations that sent or received it (back-office session).
- ``GET /api/v1/offers``: the services that take referrals, with their measured outcomes.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Query, Router, Schema

from orientation.api.errors import ApiError, NotFound, refused
from orientation.api.pagination import PageOut, PageParams, keyset_page
from orientation.api.schemas import ErrorOut
from orientation.api.security import partner_token, staff_session
from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import ServiceOffer
from orientation.referrals import exchange, selectors, services
from orientation.referrals.models import Referral

referrals = Router(tags=["Orientations entre plateformes"])
offers = Router(tags=["Services qui reçoivent des orientations"])


class InvalidDocument(ApiError):
    status = 422
    code = "invalid_referral"


class ReferralCreatedOut(Schema):
    id: int
    state: str
    status_url: str


class ReferralSummaryOut(Schema):
    id: int
    state: str
    service: str
    receiver: str
    sender: str
    sent_at: Any
    answered_at: Any | None


class OutcomeOut(Schema):
    referrals: int
    answered: int
    accepted: int
    median_days: float | None
    acceptance_rate: float | None


class OfferItemOut(Schema):
    id: int
    datainclusion_id: str
    name: str
    organisation: str
    place: str | None
    city: str | None
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    themes: list[str]
    publics: list[str]
    access_conditions: str
    documents_needed: str
    fees: str
    weekly_capacity: int | None
    last_checked_at: Any | None
    outcome: OutcomeOut | None


class OfferParams(PageParams):
    theme: str | None = None
    public: str | None = None
    commune: str | None = None


class OfferPageOut(PageOut):
    results: list[OfferItemOut]


REFERRAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {key: value for key, value in exchange.schema().items() if key not in ("$schema", "$id")}
            }
        },
    }
}


def _document_response(referral: Referral) -> JsonResponse:
    return JsonResponse(exchange.referral_document(referral))


@referrals.post(
    "",
    response={200: ReferralCreatedOut, 201: ReferralCreatedOut, 401: ErrorOut, 422: ErrorOut},
    auth=partner_token,
    summary="Recevoir une orientation d’une autre plateforme",
    description="Le document suit le schéma JSON `referral-v1` (`GET /api/v1/referrals/schema`). Le service est "
    "désigné par son identifiant data·inclusion, tel que notre export le publie. Un document invalide est refusé "
    "en entier (422) avec chaque problème et son champ ; le même document envoyé deux fois donne la même "
    "orientation (200).",
    openapi_extra=REFERRAL_BODY,
)
def receive_referral(request: HttpRequest) -> Any:
    try:
        document = json.loads(request.body or b"null")
    except ValueError as error:
        raise InvalidDocument(f"Le corps n’est pas du JSON lisible : {error}.") from error
    try:
        referral, created = services.referral_receive(document=document, partner=request.partner)  # type: ignore[attr-defined]
    except exchange.DocumentError as error:
        return refused(
            "invalid_referral",
            "Orientation refusée : le document ne suit pas le schéma referral-v1.",
            ((problem.field, problem.reason) for problem in error.problems),
        )
    body = {
        "id": referral.pk,
        "state": referral.state,
        "status_url": reverse("api-v1:get_referral", args=[referral.pk]),
    }
    return 201 if created else 200, body


@referrals.get(
    "/schema",
    summary="Le schéma JSON d’une orientation (referral-v1)",
    description="Le format documenté d’une orientation échangée entre plateformes.",
)
def referral_schema(request: HttpRequest) -> HttpResponse:
    return JsonResponse(exchange.schema())


@referrals.get(
    "",
    response={200: list[ReferralSummaryOut], 401: ErrorOut},
    auth=staff_session,
    summary="Les orientations envoyées ou reçues par vos organisations",
)
def list_referrals(request: HttpRequest) -> list[dict[str, Any]]:
    rows = Referral.objects.visible_to(request.user).select_related("offer", "receiver_organisation")  # type: ignore[arg-type]
    return [
        {
            "id": referral.pk,
            "state": referral.state,
            "service": referral.offer.name,
            "receiver": referral.receiver_organisation.name,
            "sender": referral.sender_name,
            "sent_at": referral.sent_at,
            "answered_at": referral.answered_at,
        }
        for referral in rows[:500]
    ]


@referrals.get(
    "/{referral_id}",
    response={200: dict, 401: ErrorOut, 404: ErrorOut},
    auth=[partner_token, staff_session],
    summary="Une orientation et son état",
    description="Le document referral-v1 avec son état et la réponse du service. Pour la plateforme qui l’a "
    "envoyée (son jeton) ou pour les organisations qui l’ont envoyée ou reçue (session du back-office).",
)
def get_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    partner = getattr(request, "partner", None)
    rows = Referral.objects.select_related(
        "offer", "receiver_organisation", "sender_organisation", "partner", "commune"
    )
    # A partner reads what it sent or received through us; a person, what their organisations did.
    scoped = rows.filter(partner=partner) if partner is not None else rows.visible_to(request.user)  # type: ignore[arg-type]
    referral = scoped.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(f"Aucune orientation n° {referral_id} que vous puissiez lire.")
    return _document_response(referral)


def offer_payload(offer: ServiceOffer, outcome: selectors.Outcome | None) -> dict[str, Any]:
    place = offer.place
    return {
        "id": offer.pk,
        "datainclusion_id": f"{exchange.SERVICE_ID_PREFIX}{offer.pk}",
        "name": offer.name,
        "organisation": offer.organisation.name,
        "place": place.name if place else None,
        "city": place.city if place else None,
        "commune_code": place.commune.code if place and place.commune else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "themes": offer.themes,
        "publics": offer.publics,
        "access_conditions": offer.access_conditions,
        "documents_needed": offer.documents_needed,
        "fees": offer.fees,
        "weekly_capacity": offer.weekly_capacity,
        "last_checked_at": offer.last_checked_at,
        "outcome": {
            "referrals": outcome.referrals,
            "answered": outcome.answered,
            "accepted": outcome.accepted,
            "median_days": outcome.median_days,
            "acceptance_rate": outcome.acceptance_rate,
        }
        if outcome
        else None,
    }


@offers.get(
    "",
    response={200: OfferPageOut, 400: ErrorOut, 422: ErrorOut},
    summary="Services qui reçoivent des orientations",
    description="Filtres : `theme` (code data·inclusion), `public`, `commune` (code INSEE : les services de la "
    "commune). Chaque service porte son délai médian de réponse et son taux d’acceptation sur 6 mois. Pages "
    "suivant un curseur (`cursor`, `limit` jusqu’à 1 000) dans l’ordre de la dernière modification ; "
    "`updated_since` : ce qui a changé depuis.",
)
def list_offers(request: HttpRequest, params: Query[OfferParams]) -> dict[str, Any]:
    rows = ServiceOffer.objects.referrable().select_related("organisation", "place", "place__commune")
    if params.theme:
        if params.theme not in THEMES:
            raise ApiError(f"Thématique inconnue : {params.theme!r}.")
        rows = rows.filter(themes__icontains=f'"{params.theme}"')
    if params.public:
        if params.public not in Public.values:
            raise ApiError(f"Public inconnu : {params.public!r}.")
        rows = rows.filter(publics__icontains=f'"{params.public}"')
    if params.commune:
        rows = rows.filter(place__commune__code=params.commune)
    page, envelope = keyset_page(request, rows, params)
    outcomes = selectors.offer_outcomes([offer.pk for offer in page])
    return {**envelope, "results": [offer_payload(offer, outcomes.get(offer.pk)) for offer in page]}


@offers.get("/{offer_id}", response={200: OfferItemOut, 404: ErrorOut}, summary="Un service et ses réponses mesurées")
def get_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    offer = ServiceOffer.objects.select_related("organisation", "place", "place__commune").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound(f"Aucun service n° {offer_id}.")
    return offer_payload(offer, selectors.offer_outcomes([offer.pk]).get(offer.pk))
