"""The label in the API: the public registry (JSON and CSV open data), coverage and figures;
and, for signed-in staff, the files they may read (scoped like the back-office)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from orientation.api.errors import NotFound
from orientation.api.schemas import ErrorOut
from orientation.api.security import staff_session
from orientation.labels import selectors
from orientation.labels.models import Application, Event
from orientation.labels.registry import registry_csv, registry_payload
from orientation.territories.models import Region

labels = Router(tags=["Label « Orientation pour tous »"])


class RegionRefOut(Schema):
    code: str
    name: str


class LabelledSiteOut(Schema):
    id: int
    name: str
    organisation: str
    address: str
    postcode: str
    city: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    url: str


class LabelOut(Schema):
    id: int
    applicant: str
    applicant_kind: Literal["grouping", "organisation"]
    organisations: list[str]
    region: RegionRefOut
    granted_on: date
    expires_on: date
    url: str
    sites: list[LabelledSiteOut]


class RegistryParams(Schema):
    region: str | None = None
    format: Literal["json", "csv"] = "json"


class CoverageOut(Schema):
    region: RegionRefOut
    communes: int
    communes_covered: int
    communes_share: float
    population: int
    population_covered: int
    population_share: float


class StepDelayOut(Schema):
    step: str
    statutory_days: int
    median_days: float | None
    files: int
    late: int


class LabelStatisticsOut(Schema):
    by_state: dict[str, int]
    by_region: dict[str, dict[str, int]]
    delays: list[StepDelayOut]
    expiring_within_6_months: int


class EventOut(Schema):
    at: Any
    by: str | None
    action: str
    from_state: str
    to_state: str
    note: str


class ApplicationOut(Schema):
    id: int
    applicant: str
    kind: str
    state: str
    region: RegionRefOut
    submitted_on: date | None
    transmitted_on: date | None
    opinion: str
    opinion_on: date | None
    decided_on: date | None
    due_on: date | None
    who_must_act: str | None
    urgency: str | None
    events: list[EventOut]


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(f"Aucune région de code {code!r}.")
    return region


@labels.get(
    "",
    response={200: list[LabelOut], 404: ErrorOut},
    openapi_extra={
        "responses": {  # merged into the JSON answer that ninja documents (same key: the number)
            200: {
                "description": "Le registre (JSON), ou en CSV avec `format=csv`",
                "content": {"text/csv": {"schema": {"type": "string", "description": "une ligne par site, « ; »"}}},
            }
        }
    },
    summary="Registre des structures labellisées",
    description="Les labels « Orientation pour tous » en vigueur aujourd’hui, avec leurs sites, leurs dates et "
    "leur région. `format=csv` donne le même registre en CSV (une ligne par site, séparateur « ; »), "
    "publié en données ouvertes. `region` : code INSEE de la région.",
)
def list_labels(request: HttpRequest, params: Query[RegistryParams]) -> Any:
    today = timezone.localdate()
    region = _region(params.region)
    if params.format == "csv":
        response = HttpResponse(registry_csv(registry_payload(today, region)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="registre-labels-{today.isoformat()}.csv"'
        return response
    return registry_payload(today, region)


@labels.get(
    "/coverage",
    response=list[CoverageOut],
    summary="Couverture du territoire par les sites labellisés",
    description="Pour chaque région : part des communes et de la population situées dans un territoire desservi "
    "par un label en vigueur.",
)
def coverage(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "region": {"code": item.region.code, "name": item.region.name},
            "communes": item.communes,
            "communes_covered": item.communes_covered,
            "communes_share": round(item.communes_share, 4),
            "population": item.population,
            "population_covered": item.population_covered,
            "population_share": round(item.population_share, 4),
        }
        for item in selectors.coverage_by_region(timezone.localdate())
        if item.region is not None
    ]


@labels.get(
    "/statistics",
    response=LabelStatisticsOut,
    summary="Chiffres anonymisés de l’instruction",
    description="Demandes déposées par état et par région, délais médians de chaque étape face aux délais "
    "réglementaires, labels expirant dans les 6 mois. Aucun nom de candidat.",
)
def statistics(request: HttpRequest) -> dict[str, Any]:
    figures = selectors.dashboard(timezone.localdate())
    return {
        "by_state": figures.by_state,
        "by_region": {region.code: counts for region, counts in figures.by_region},
        "delays": [
            {
                "step": delay.step.value,
                "statutory_days": delay.statutory_days,
                "median_days": delay.median_days,
                "files": delay.files,
                "late": delay.late,
            }
            for delay in figures.delays
        ],
        "expiring_within_6_months": len(figures.expiring),
    }


def application_payload(application: Application, today: date, events: Iterable[Event] | None = None) -> dict[str, Any]:
    deadline = application.current_deadline()
    return {
        "id": application.pk,
        "applicant": application.applicant_name,
        "kind": application.kind,
        "state": application.state,
        "region": {"code": application.region.code, "name": application.region.name},
        "submitted_on": application.submitted_on,
        "transmitted_on": application.transmitted_on,
        "opinion": application.opinion,
        "opinion_on": application.opinion_on,
        "decided_on": application.decided_on,
        "due_on": deadline.due_on if deadline else None,
        "who_must_act": deadline.rule.actor.value if deadline else None,
        "urgency": deadline.urgency(today).value if deadline else None,
        "events": [
            {
                "at": event.at,
                "by": str(event.by) if event.by else None,
                "action": event.action,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
            }
            for event in (selectors.application_events(application) if events is None else events)
        ],
    }


@labels.get(
    "/applications",
    response={200: list[ApplicationOut], 401: ErrorOut},
    auth=staff_session,
    summary="Les demandes de label que vous pouvez lire",
    description="Celles de vos organisations et, pour une préfecture ou un CCREFP, celles de sa région une fois "
    "déposées. Session du back-office.",
)
def list_applications(request: HttpRequest) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = list(
        Application.objects.visible_to(request.user).select_related("region", "organisation", "grouping", "renewal_of")[  # type: ignore[arg-type]
            :500
        ]
    )
    events = selectors.events_by_application(rows)
    return [application_payload(application, today, events[application.pk]) for application in rows]


@labels.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, 401: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    summary="Une demande de label, son échéance et son historique",
)
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = (
        Application.objects.visible_to(request.user)  # type: ignore[arg-type]
        .select_related("region", "organisation", "grouping")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(f"Aucune demande de label n° {application_id} que vous puissiez lire.")
    return application_payload(application, timezone.localdate())
