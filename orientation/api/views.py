"""Endpoints of /api/v1. Each validates its input, calls a selector and answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router

from orientation.api.errors import ApiError, NotFound
from orientation.api.schemas import (
    CommuneSuggestionOut,
    ErrorOut,
    FeedOut,
    OccupationOut,
    OccupationSearchOut,
    OccupationSearchParams,
    PlaceOut,
    PlaceSearchOut,
    PlaceSearchParams,
    SearchParams,
    StudySearchOut,
    StudySearchParams,
    TrainingOut,
    TrainingSearchOut,
    TrainingSearchParams,
)
from orientation.api.security import staff_session
from orientation.directory.selectors import canonical_place_id, place_detail
from orientation.ingestion.selectors import feeds_health
from orientation.occupations.models import RomeFiche
from orientation.occupations.selectors import occupation_detail, skill_groups
from orientation.operations import open_data
from orientation.search.query import UNLOCATED, Kind, SearchQuery, Sort
from orientation.search.selectors import locate, search
from orientation.studies.models import ATTRIBUTION
from orientation.territories.selectors import commune_suggestions
from orientation.trainings.models import Provider
from orientation.trainings.selectors import training_detail

occupations = Router(tags=["Métiers"])
trainings = Router(tags=["Formations"])
places = Router(tags=["Lieux d’accueil"])
searches = Router(tags=["Recherche"])
communes = Router(tags=["Territoires"])
feeds = Router(tags=["Flux de données (exploitation)"])


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


@occupations.get(
    "/{code}",
    response={200: OccupationOut, 404: ErrorOut},
    summary="Une fiche métier du ROME",
    description="La fiche ROME (code à 5 caractères, ex. J1506) avec ses appellations au masculin et au féminin, "
    "les fiches Onisep associées, les mobilités, les compétences, les centres d’intérêt et les secteurs.",
)
def get_occupation(request: HttpRequest, code: str) -> dict[str, object]:
    fiche = occupation_detail(code)
    if fiche is None:
        raise NotFound(f"Aucune fiche ROME pour le code {code!r}.")
    return occupation_payload(request, fiche)


@trainings.get(
    "/{action_id}",
    response={200: TrainingOut, 404: ErrorOut},
    summary="Une action de formation",
    description="L’action (lieu, rythme, durée, prix, financeurs, publics), sa formation (intitulé, objectif, "
    "contenu, certification, codes Formacode, NSF et ROME), ses organismes et ses sessions ouvertes.",
)
def get_training(request: HttpRequest, action_id: int) -> dict[str, object]:
    action = training_detail(action_id)
    if action is None:
        raise NotFound(f"Aucune action de formation ouverte n° {action_id}.")
    formation = action.formation

    def provider(item: Provider | None) -> dict[str, str] | None:
        if item is None:
            return None
        fields = ("name", "siret", "city", "phone", "email", "website")
        return {name: getattr(item, name) for name in fields}

    return {
        "id": action.pk,
        "number": action.number,
        "title": formation.title,
        "objective": formation.objective,
        "content": formation.content,
        "is_certifying": formation.is_certifying,
        "rncp_codes": formation.rncp_codes,
        "certifinfo_codes": formation.certifinfo_codes,
        "formacode_codes": formation.formacode_codes,
        "nsf_codes": formation.nsf_codes,
        "rome_codes": formation.rome_codes,
        "occupations": [{"code": fiche.code, "title": fiche.title} for fiche in formation.rome_fiches.all()],
        "entry_level": formation.entry_level,
        "exit_level": formation.exit_level,
        "provider": provider(formation.provider),
        "trainer": provider(action.provider),
        "place_name": action.place_name,
        "address": action.address,
        "postcode": action.postcode,
        "city": action.city,
        "commune_code": action.commune.code if action.commune else None,
        "latitude": action.latitude,
        "longitude": action.longitude,
        "rhythm": action.rhythm,
        "is_work_study": action.is_work_study,
        "hours_total": action.hours_total,
        "price": action.price,
        "funders": action.funders,
        "publics": action.publics,
        "entry_conditions": action.entry_conditions,
        "sessions": list(action.sessions.all()),
        "url": action.url or formation.url,
    }


def occupation_payload(request: HttpRequest, fiche: RomeFiche) -> dict[str, object]:
    domaine = fiche.domaine
    return {
        "code": fiche.code,
        "title": fiche.title,
        "grand_domaine": {"code": domaine.grand_domaine.code, "title": domaine.grand_domaine.label}
        if domaine
        else None,
        "domaine": {"code": domaine.code, "title": domaine.label} if domaine else None,
        "definition": fiche.definition,
        "access": fiche.access,
        "is_regulated": fiche.is_regulated,
        "is_executive": fiche.is_executive,
        "riasec_major": fiche.riasec_major,
        "riasec_minor": fiche.riasec_minor,
        "appellations": list(fiche.appellations.all()),
        "onisep": [
            {
                "identifier": onisep.identifier,
                "name": onisep.name,
                "name_feminine": onisep.name_feminine,
                "name_masculine": onisep.name_masculine,
                "hook_html": onisep.hook,
                "access_html": onisep.access,
                "min_level": onisep.min_level,
                "url": onisep.onisep_url,
            }
            for onisep in fiche.onisep_fiches.all()
        ],
        "mobility": [
            {"code": link.target.code, "title": link.target.title, "order": link.order}
            for link in fiche.mobility_links.all()
        ],
        "skills": [
            {"kind": group.kind, "label": group.label, "core": group.core, "others": group.others}
            for group in skill_groups(fiche)
        ],
        "interest_centres": [centre.label for centre in fiche.interest_centres.all()],
        "sectors": [sector.label for sector in fiche.sectors.all()],
        "url": request.build_absolute_uri(fiche.get_absolute_url()),
    }


@places.get(
    "/{place_id}",
    response={200: PlaceOut, 404: ErrorOut},
    summary="Un lieu d’accueil",
    description="Le lieu, son organisation, ses horaires et ses offres de service. Un même lieu reçu de plusieurs "
    "fournisseurs n’est publié qu’une fois : l’identifiant d’un doublon renvoie le lieu retenu, dont `merged_ids` "
    "liste les doublons.",
)
def get_place(request: HttpRequest, place_id: int) -> dict[str, object]:
    canonical = canonical_place_id(place_id)
    detail = place_detail(canonical) if canonical else None
    if detail is None:
        raise NotFound(f"Aucun lieu n° {place_id}.")
    place = detail.place
    return {
        **open_data.place_item(place),
        "siret": place.organisation.siret,
        "address_complement": place.address_complement,
        "opening_hours": [{"day": day, "hours": hours} for day, hours in place.hours.weekly_lines()],
        "offers": detail.offers,
        "merged_ids": detail.duplicate_ids,
        "sources": [str(source) for source in detail.sources],
    }


@feeds.get(
    "",
    response={200: list[FeedOut], 401: ErrorOut, 403: ErrorOut},
    auth=staff_session,
    summary="État des flux de données",
    description="Pour chaque source : état (`failed`, `warning`, `never`, `ok`), alertes, dernier import réussi, "
    "âge des données et les 30 derniers imports. Réservé à l’équipe d’exploitation (session du back-office).",
)
def list_feeds(request: HttpRequest) -> list[dict[str, object]]:
    if not request.user.has_perm("ingestion.view_source"):
        raise Forbidden("Réservé aux personnes qui suivent les flux de données.")
    answer: list[dict[str, object]] = []
    for health in feeds_health():
        source = health.source
        freshness = health.freshness
        answer.append(
            {
                "name": source.name,
                "label": str(source),
                "kind": source.kind,
                "state": str(health.state),
                "warnings": health.warnings,
                "last_success_at": health.last_success.ended_at if health.last_success else None,
                "freshness_seconds": int(freshness.total_seconds()) if freshness is not None else None,
                "next_run_at": source.next_run_at,
                "runs": [
                    {
                        "started_at": run.started_at,
                        "ended_at": run.ended_at,
                        "status": run.status,
                        "created": run.created,
                        "updated": run.updated,
                        "unchanged": run.unchanged,
                        "closed": run.absent,
                        "rejected": run.rejected,
                    }
                    for run in health.runs
                ],
            }
        )
    return answer


class UnknownPlace(ApiError):
    status = 422
    code = "unknown_place"


def _search(kind: Kind, params: SearchParams, filters: dict[str, str | None]) -> HttpResponse:
    latitude, longitude, label = params.lat, params.lon, None
    where = params.where or params.ou  # the portal's name for it, accepted too
    if where:
        location = locate(where)
        if location is None:
            raise UnknownPlace(f"Lieu inconnu : {where!r} (attendu : une commune, un code postal ou INSEE).")
        latitude, longitude, label = location.latitude, location.longitude, location.label
    if params.department:
        filters = {**filters, "department": params.department.upper()}
    if kind in UNLOCATED:
        latitude = longitude = None  # checked above, and not a filter: they are not anywhere
    results = search(
        SearchQuery(
            text=params.q,
            kind=kind,
            filters={name: value for name, value in filters.items() if value},
            latitude=latitude,
            longitude=longitude,
            radius_km=params.radius_km if latitude is not None and longitude is not None else None,
            sort=Sort(params.sort),
            page=params.page,
            page_size=params.page_size,
        )
    )
    key = {Kind.OCCUPATION: "code", Kind.STUDY: "identifier"}.get(kind, "id")
    # Answered as built: the shape is the documented one (checked by the API tests against
    # the schemas), and validating it again on each request costs a tenth of a search.
    return JsonResponse(
        {
            "total": results.total,
            "fuzzy": results.fuzzy,
            "where": label,
            "facets": results.facets,
            "results": [
                {
                    key: hit.key if kind in UNLOCATED else int(hit.key),
                    "title": hit.title,
                    "subtitle": hit.subtitle,
                    "highlight": hit.highlight,
                    # an occupation, a study is not anywhere
                    **({} if kind in UNLOCATED else {"distance_km": hit.distance_km}),
                }
                for hit in results.hits
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


SEARCH_HELP = (
    "Recherche en français : mots au singulier ou au pluriel, au masculin ou au féminin, avec ou sans accents ; "
    "orthographe proche acceptée. `where` (ou `ou`, son nom sur le portail) ou `lat`/`lon` limitent "
    "au rayon `radius_km`. "
    "`facets` compte chaque valeur de filtre sur tous les résultats."
)


@searches.get(
    "/occupations",
    response={200: OccupationSearchOut, 422: ErrorOut},
    summary="Chercher un métier",
    description=SEARCH_HELP,
)
def search_occupations(request: HttpRequest, params: Query[OccupationSearchParams]) -> HttpResponse:
    return _search(Kind.OCCUPATION, params, {"domaine": (params.domaine or "").upper() or None})


@searches.get(
    "/trainings",
    response={200: TrainingSearchOut, 422: ErrorOut},
    summary="Chercher une formation",
    description=SEARCH_HELP,
)
def search_trainings(request: HttpRequest, params: Query[TrainingSearchParams]) -> HttpResponse:
    return _search(
        Kind.TRAINING,
        params,
        {
            "funder": params.funder,
            "certifying": params.certifying,
            "work_study": params.work_study,
            "rome": (params.rome or "").upper() or None,
            "cpf": params.cpf,
            "modality": params.modality,
            "start": params.start,
            "rncp": _rncp_digits(params.rncp),
        },
    )


def _rncp_digits(code: str | None) -> str | None:
    return "".join(character for character in code if character.isdigit()) if code else None


@searches.get(
    "/studies",
    response={200: StudySearchOut, 422: ErrorOut},
    summary="Chercher une formation initiale (études et diplômes)",
    description=SEARCH_HELP.replace("`where`", "`where` (sans effet ici : les études ne sont nulle part)", 1)
    + " Données : "
    + ATTRIBUTION,
)
def search_studies(request: HttpRequest, params: Query[StudySearchParams]) -> HttpResponse:
    return _search(
        Kind.STUDY,
        params,
        {
            "study_level": params.level,
            "study_kind": params.kind,
            "rome": (params.rome or "").upper() or None,
            "rncp": _rncp_digits(params.rncp),
        },
    )


@searches.get(
    "/places",
    response={200: PlaceSearchOut, 422: ErrorOut},
    summary="Chercher un lieu d’accueil",
    description=SEARCH_HELP,
)
def search_places(request: HttpRequest, params: Query[PlaceSearchParams]) -> HttpResponse:
    return _search(Kind.PLACE, params, {"typology": params.typology, "public": params.public})


@communes.get(
    "",
    response=list[CommuneSuggestionOut],
    summary="Suggérer des communes",
    description="Les communes dont le nom ou le code postal commence par `q` (2 caractères au moins), "
    "les plus peuplées d’abord : pour compléter un champ « Où ? ».",
)
def suggest_communes(
    request: HttpRequest, q: str = Query("", max_length=100), limit: int = Query(8, ge=1, le=20)
) -> list[dict[str, str]]:
    return [
        {
            "code": found.code,
            "name": found.name,
            "department": found.department,
            "postcode": found.postcode,
            "label": found.label,
            "value": found.value,
        }
        for found in commune_suggestions(q, limit)
    ]
