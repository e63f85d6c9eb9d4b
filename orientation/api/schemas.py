"""Typed response bodies of the public API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from orientation.search.query import DEFAULT_RADIUS_KM


class ErrorOut(Schema):
    """Every error answers with this body; ``code`` is stable, ``detail`` is for people."""

    code: str
    detail: str


class AppellationOut(Schema):
    code: str
    label: str
    masculine: str
    feminine: str
    is_main: bool


class FicheRefOut(Schema):
    code: str
    title: str


class MobilityOut(FicheRefOut):
    order: int


class OnisepOut(Schema):
    identifier: str
    name: str
    name_feminine: str
    name_masculine: str
    hook_html: str
    access_html: str
    min_level: str
    url: str


class SkillGroupOut(Schema):
    kind: str
    label: str
    core: list[str]
    others: list[str]


class ProviderOut(Schema):
    name: str
    siret: str
    city: str
    phone: str
    email: str
    website: str


class SessionOut(Schema):
    number: str
    start_date: date | None
    end_date: date | None
    recruitment: str


class TrainingOut(Schema):
    id: int
    number: str
    title: str
    objective: str
    content: str
    is_certifying: bool
    rncp_codes: list[str]
    certifinfo_codes: list[str]
    formacode_codes: list[str]
    nsf_codes: list[str]
    rome_codes: list[str]
    occupations: list[FicheRefOut]
    entry_level: str
    exit_level: str
    provider: ProviderOut
    trainer: ProviderOut | None
    place_name: str
    address: str
    postcode: str
    city: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    rhythm: str
    is_work_study: bool
    hours_total: int | None
    price: Decimal | None
    funders: list[str]
    publics: list[str]
    entry_conditions: str
    sessions: list[SessionOut]
    url: str


class OccupationOut(Schema):
    code: str
    title: str
    grand_domaine: FicheRefOut | None
    domaine: FicheRefOut | None
    definition: str
    access: str
    is_regulated: bool | None
    is_executive: bool | None
    riasec_major: str
    riasec_minor: str
    appellations: list[AppellationOut]
    onisep: list[OnisepOut]
    mobility: list[MobilityOut]
    skills: list[SkillGroupOut]
    interest_centres: list[str]
    sectors: list[str]
    url: str


class OfferOut(Schema):
    id: int
    name: str
    description: str
    type: str
    level: str
    themes: list[str]
    publics: list[str]
    fees: str
    reception_modes: list[str]
    mobilisation_modes: list[str]


class HoursLineOut(Schema):
    day: str
    hours: str


class PlaceOut(Schema):
    id: int
    name: str
    organisation: str
    typology: str
    siret: str
    address: str
    address_complement: str
    postcode: str
    city: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    website: str
    opening_hours: list[HoursLineOut]
    offers: list[OfferOut]
    merged_ids: list[int]
    sources: list[str]


class FeedRunOut(Schema):
    started_at: datetime
    ended_at: datetime | None
    status: str
    created: int
    updated: int
    unchanged: int
    closed: int
    rejected: int


class FeedOut(Schema):
    name: str
    label: str
    kind: str
    state: str
    warnings: list[str]
    last_success_at: datetime | None
    freshness_seconds: int | None
    next_run_at: datetime | None
    runs: list[FeedRunOut]


class SearchParams(Schema):
    """The parameters of the three searches, the same as the portal's results pages."""

    q: str = Field("", max_length=500, description="Les mots cherchés, en français (vide : tout).")
    where: str | None = Field(
        None,
        max_length=200,
        description="Commune, code postal ou code INSEE autour duquel chercher ; inconnu : erreur 422 `unknown_place`.",
    )
    ou: str | None = Field(None, max_length=200, description="Le même que `where`, du nom qu’il porte sur le portail.")
    lat: float | None = Field(None, ge=-90, le=90, description="Latitude du point de recherche (avec `lon`).")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude du point de recherche (avec `lat`).")
    radius_km: float = Field(DEFAULT_RADIUS_KM, gt=0, le=300, description="Rayon autour du point, en km.")
    sort: Literal["relevance", "distance", "start"] = Field(
        "relevance",
        description="Tri : pertinence, distance, ou (formations) date de début de la prochaine session.",
    )
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=100)
    department: str | None = Field(None, max_length=3, description="Code du département (ex. 41, 2A, 974).")


class TrainingSearchParams(SearchParams):
    funder: str | None = Field(
        None,
        max_length=3,
        description="Code LHEO du financeur (ex. 2 : conseil régional, 4 : France Travail, 10 : la personne).",
    )
    certifying: Literal["oui", "non"] | None = None
    work_study: Literal["oui", "non"] | None = Field(None, description="En alternance.")
    rome: str | None = Field(
        None, pattern="^[A-Na-n][0-9]{4}$", description="Code ROME du métier visé (formations qui y mènent)."
    )
    cpf: Literal["oui", "non"] | None = Field(
        None, description="Payable avec le compte personnel de formation (certification enregistrée au RNCP)."
    )
    modality: Literal["presentiel", "mixte", "distance"] | None = Field(
        None, description="Sur place, en partie ou entièrement à distance (LHEO « modalités d’enseignement »)."
    )
    start: str | None = Field(
        None, pattern="^20[0-9]{2}-(0[1-9]|1[0-2])$", description="Mois où commence une session à venir (AAAA-MM)."
    )
    rncp: str | None = Field(
        None, pattern="^(RNCP)?[0-9]{1,6}$", description="Code RNCP de la certification préparée (ex. 37084)."
    )


class PlaceSearchParams(SearchParams):
    typology: str | None = Field(None, max_length=20, description="Typologie (ex. CIO, ML, FT).")
    public: str | None = Field(None, max_length=60, description="Public accueilli (liste data·inclusion).")


class OccupationSearchParams(SearchParams):
    domaine: str | None = Field(None, max_length=1, description="Grand domaine du ROME (lettre A à N).")


class StudySearchParams(SearchParams):
    """Studies are not anywhere: ``where``, ``lat`` and ``lon`` are checked and then ignored."""

    level: str | None = Field(
        None, max_length=60, description="Niveau d’études tel que l’Onisep l’écrit (ex. « Bac + 2 »)."
    )
    kind: str | None = Field(None, max_length=200, description="Type de formation (ex. « CAP », « master »).")
    rome: str | None = Field(
        None, pattern="^[A-Na-n][0-9]{4}$", description="Code ROME d’un métier auquel l’étude mène."
    )
    rncp: str | None = Field(
        None, pattern="^(RNCP)?[0-9]{1,6}$", description="Code RNCP de la certification préparée (ex. 37084)."
    )


class StudyHitOut(Schema):
    identifier: str = Field(description="Identifiant Onisep (FOR.…) : la page /etudes/<identifiant>/.")
    title: str
    subtitle: str
    highlight: str


class OccupationHitOut(Schema):
    code: str
    title: str
    subtitle: str
    highlight: str


class TrainingHitOut(Schema):
    id: int
    title: str
    subtitle: str
    highlight: str
    distance_km: float | None


class PlaceHitOut(TrainingHitOut):
    pass


class SearchOut(Schema):
    total: int
    fuzzy: bool = Field(
        description="Vrai si les mots n’ont pas été trouvés tels quels et que des orthographes proches ont servi."
    )
    where: str | None = Field(description="Le lieu compris pour `where`.")
    facets: dict[str, dict[str, int]]


class OccupationSearchOut(SearchOut):
    results: list[OccupationHitOut]


class TrainingSearchOut(SearchOut):
    results: list[TrainingHitOut]


class PlaceSearchOut(SearchOut):
    results: list[PlaceHitOut]


class StudySearchOut(SearchOut):
    results: list[StudyHitOut]


class CommuneSuggestionOut(Schema):
    code: str = Field(description="Code INSEE.")
    name: str
    department: str
    postcode: str
    label: str = Field(description="À afficher : « Blois (41) ».")
    value: str = Field(description="À envoyer comme `where` : « 41000 Blois ».")
