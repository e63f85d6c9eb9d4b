"""Endpoints of /api/v1. Each validates its input, calls a selector and answers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from orientation.api.errors import NotFound
from orientation.api.schemas import ErrorOut, OccupationOut, TrainingOut
from orientation.occupations.models import RomeFiche
from orientation.occupations.selectors import occupation_detail, skill_groups
from orientation.trainings.models import Provider
from orientation.trainings.selectors import training_detail

occupations = Router(tags=["Métiers"])
trainings = Router(tags=["Formations"])


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
