"""The service's figures as open data: its audience (counted without cookies) and its activity,
month by month and region by region, in JSON or CSV with a stable schema (Licence Ouverte 2.0).

- ``GET /api/v1/statistics/audience?month=2026-11&format=json|csv``
- ``GET /api/v1/statistics/activity?month=2026-11&format=json|csv``
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from orientation.api.errors import ApiError
from orientation.api.schemas import ErrorOut
from orientation.statistics import selectors
from orientation.statistics.documents import activity_csv_rows, activity_document, audience_csv_rows, audience_document

statistics = Router(tags=["Statistiques (données ouvertes)"])


class MonthParams(Schema):
    #: « 2026-11 »; the current month by default
    month: str = Field("", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")
    format: Literal["json", "csv"] = "json"


class CountOut(Schema):
    key: str
    count: int


class MonthOut(Schema):
    month: str
    visits: int
    page_views: int
    searches: int
    empty_searches: int


class ResultRangeOut(Schema):
    range: str = Field(description="« 0 », « 1-9 », « 10-49 », « 50-199 » ou « 200+ » résultats")
    searches: int


class SearchesOut(Schema):
    kind: str
    searches: int
    without_result: int
    by_result_count: list[ResultRangeOut]


class RegionCountOut(Schema):
    region: str
    name: str
    searches: int


class AudienceOut(Schema):
    month: str
    licence: str
    page_views: list[CountOut]
    entries: list[CountOut]
    referrers: list[CountOut]
    devices: list[CountOut]
    searches: list[SearchesOut]
    searches_by_region: list[RegionCountOut]
    last_months: list[MonthOut]


class ReferralsOut(Schema):
    sent: int
    accepted: int
    refused: int
    expired: int
    withdrawn: int
    open: int
    median_answer_days: float | None


class ContactsOut(Schema):
    calls: int
    callbacks: int
    answered_first_level: int
    first_level_share: float | None


class LabelsOut(Schema):
    granted: int
    renewed: int
    withdrawn: int
    active_at_month_end: int
    population_share_covered: float | None


class RegionActivityOut(Schema):
    region: str
    name: str
    referrals: ReferralsOut
    contacts: ContactsOut
    labels: LabelsOut


class NetworkOut(Schema):
    network: str
    referrals: ReferralsOut


class SourceOut(Schema):
    name: str
    label: str
    last_success: Any | None
    age_hours: float | None
    state: str


class ActivityOut(Schema):
    month: str
    licence: str
    regions: list[RegionActivityOut]
    national: RegionActivityOut
    networks: list[NetworkOut]
    sources: list[SourceOut]


def _month(params: MonthParams) -> str:
    today = timezone.localdate()
    month = params.month or selectors.month_key(today)
    if selectors.month_bounds(month)[0] > today:
        raise ApiError(f"Mois à venir : {month}.")
    return month


def _csv(rows: list[list[Any]], name: str) -> HttpResponse:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@statistics.get(
    "/audience",
    response={200: AudienceOut, 400: ErrorOut, 422: ErrorOut},
    summary="L’audience d’un mois",
    description="Comptée sans cookie ni donnée personnelle : pages vues par type de page, pages d’entrée, sites "
    "d’où l’on vient (domaine), types d’appareil, recherches par type et sans résultat, recherches par région du "
    "lieu cherché, et les douze derniers mois. `format=csv` donne les mêmes chiffres, une ligne par mesure. "
    "Licence Ouverte 2.0.",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_audience(request: HttpRequest, params: Query[MonthParams]) -> Any:
    document = audience_document(_month(params))
    if params.format == "csv":
        return _csv(audience_csv_rows(document), f"audience-{document['month']}")
    return document


@statistics.get(
    "/activity",
    response={200: ActivityOut, 400: ErrorOut, 422: ErrorOut},
    summary="L’activité d’un mois, par région",
    description="Orientations envoyées, acceptées, refusées, expirées, retirées, avec le délai médian de réponse "
    "(par région du service qui reçoit, et par réseau) ; appels, rappels et part des réponses au premier niveau "
    "(par région de l’appelant) ; labels attribués, renouvelés, retirés, en vigueur et part de la population "
    "couverte ; fraîcheur de chaque source. Les régions, avec « — » pour ce qui n’a pas de région, s’additionnent "
    "en « France entière ». `format=csv` : une ligne par région. Licence Ouverte 2.0.",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_activity(request: HttpRequest, params: Query[MonthParams]) -> Any:
    document = activity_document(_month(params))
    if params.format == "csv":
        return _csv(activity_csv_rows(document), f"activite-{document['month']}")
    return document
