"""The catalogue's lists, for re-users who keep a copy in sync (``api.pagination``): training
actions, places, occupations, studies and labels, each a page after a cursor, and
``updated_since=`` for what changed since their last sync, the closed rows included and flagged.

- ``GET /api/v1/trainings``, ``/places``, ``/occupations``, ``/studies``, ``/labels/changes``
  (``/offers`` pages the same way: ``api.referrals``)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from orientation.api.pagination import PageOut, PageParams, keyset_page
from orientation.api.schemas import ErrorOut
from orientation.api.views import occupations, places, trainings
from orientation.operations import open_data
from orientation.studies.models import ATTRIBUTION

studies = Router(tags=["Études (formation initiale, Onisep)"])
label_changes = Router(tags=["Registre du label"])

ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut}
SYNC = (
    "Pages suivant un curseur (`cursor` : le `next_cursor` de la page précédente ; `limit` jusqu’à 1 000), "
    "dans l’ordre de la dernière modification : une page ne se décale jamais entre deux appels. "
    "`updated_since` (ISO 8601 avec fuseau) : ce qui a changé depuis, y compris ce qui a été retiré "
    "(`closed: true`), pour tenir une copie à jour sans tout relire."
)


class TrainingItemOut(Schema):
    id: int
    number: str
    title: str
    provider: str
    city: str
    postcode: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    hours_total: int | None
    is_work_study: bool
    rncp_codes: list[str]
    rome_codes: list[str]
    updated_at: datetime
    closed: bool


class TrainingPageOut(PageOut):
    results: list[TrainingItemOut]


class PlaceItemOut(Schema):
    id: int
    name: str
    organisation: str
    typology: str
    address: str
    postcode: str
    city: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    website: str
    updated_at: datetime
    #: a copy received from another provider: the place it was merged into
    merged_into: int | None


class PlacePageOut(PageOut):
    results: list[PlaceItemOut]


class OccupationItemOut(Schema):
    code: str
    title: str
    domaine: str | None
    riasec_major: str
    riasec_minor: str
    updated_at: datetime


class OccupationPageOut(PageOut):
    results: list[OccupationItemOut]


class StudyItemOut(Schema):
    identifier: str
    title: str
    kind: str
    level: str
    duration: str
    rncp_code: str
    url: str
    updated_at: datetime
    closed: bool


class StudyPageOut(PageOut):
    attribution: str
    results: list[StudyItemOut]


class LabelItemOut(Schema):
    id: int
    applicant: str
    region: str
    state: str
    granted_on: Any
    expires_on: Any
    ended_on: Any | None
    updated_at: datetime
    closed: bool


class LabelPageOut(PageOut):
    results: list[LabelItemOut]


def dataset_page(request: HttpRequest, name: str, params: PageParams) -> dict[str, Any]:
    """A page of an open-data set (``open_data.DATASET``): the rows on offer today, or with
    ``updated_since`` every row that changed, the closed ones flagged; under the set's licence."""
    dataset = open_data.DATASET[name]
    rows = dataset.rows() if params.updated_since else dataset.current()
    page, envelope = keyset_page(request, rows, params, licence=dataset.licence)
    if dataset.attribution:
        envelope["attribution"] = dataset.attribution
    return {**envelope, "results": [dataset.item(row) for row in page]}


@trainings.get(
    "",
    response={200: TrainingPageOut, **ERRORS},
    summary="Les actions de formation, pour les synchroniser",
    description="Les actions ouvertes (avec `updated_since`, aussi celles retirées depuis). " + SYNC,
)
def list_trainings(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return dataset_page(request, "formations", params)


@places.get(
    "",
    response={200: PlacePageOut, **ERRORS},
    summary="Les lieux d’accueil, pour les synchroniser",
    description="Les lieux retenus (un lieu reçu de plusieurs fournisseurs n’y est qu’une fois ; avec "
    "`updated_since`, les doublons fusionnés depuis viennent aussi, `merged_into` disant le lieu retenu). " + SYNC,
)
def list_places(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return dataset_page(request, "lieux", params)


@occupations.get(
    "",
    response={200: OccupationPageOut, **ERRORS},
    summary="Les fiches métiers du ROME, pour les synchroniser",
    description="Chaque fiche avec son domaine et ses types RIASEC ; la fiche entière : "
    "`GET /api/v1/occupations/{code}`. " + SYNC,
)
def list_occupations(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return dataset_page(request, "metiers", params)


@studies.get(
    "",
    response={200: StudyPageOut, **ERRORS},
    summary="Les études (fiches formations Idéo de l’Onisep), pour les synchroniser",
    description=f"{ATTRIBUTION} Les études proposées (avec `updated_since`, aussi celles retirées du fichier "
    "depuis), sous licence ODbL. " + SYNC,
)
def list_studies(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return dataset_page(request, "etudes", params)


@label_changes.get(
    "/changes",
    response={200: LabelPageOut, **ERRORS},
    summary="Les labels, pour les synchroniser",
    description="Chaque label attribué, en vigueur ou terminé (`closed` : retiré, expiré, remplacé), dans l’ordre "
    "de sa dernière modification ; le registre du jour avec ses sites : `GET /api/v1/labels`. " + SYNC,
)
def list_label_changes(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return dataset_page(request, "labels", params)
