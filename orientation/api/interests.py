"""The interests questionnaire in the API: its statements, and a profile with the occupations
that agree with it (``orientation.interests``). Nothing is stored: the answers come and go."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from orientation.api.errors import refused
from orientation.api.schemas import ErrorOut
from orientation.interests.questionnaire import AnswersError, check_answers, questionnaire
from orientation.interests.scoring import LABELS, profile
from orientation.interests.selectors import proposals_for

interests = Router(tags=["intérêts"])


class ItemOut(Schema):
    id: str
    type: str
    text: str


class ScaleOut(Schema):
    value: int
    label: str


class ItemsOut(Schema):
    items: list[ItemOut]
    scale: list[ScaleOut]
    types: dict[str, str]


class AnswersIn(Schema):
    #: statement id → a value of the scale, for every statement
    answers: dict[str, Any]
    #: only the occupations of this ROME grand domain (its letter, A to N)
    domain: str = Field("", pattern=r"^[A-N]?$")
    #: only the occupations whose Onisep sheet needs at most this level of study
    level: Literal["", "cap", "bac", "bac2", "bac3", "bac5"] = ""


class ProposalOut(Schema):
    code: str
    title: str
    fit: float
    why: str


class ProfileOut(Schema):
    scores: dict[str, float]
    code: str
    flat: bool
    occupations: list[ProposalOut]


@interests.get(
    "/items",
    response=ItemsOut,
    summary="Les énoncés du questionnaire d’intérêts",
    description="Une aide à la réflexion, pas un test : aucune organisation ne peut s’en servir pour sélectionner "
    "des personnes. Chaque énoncé porte un des six types RIASEC ; l’échelle va de 0 (pas du tout) à 4 (énormément).",
)
def list_items(request: HttpRequest) -> dict[str, Any]:
    asked = questionnaire()
    return {
        "items": [{"id": item.id, "type": item.type, "text": item.text} for item in asked.items],
        "scale": [{"value": value, "label": label} for value, label in sorted(asked.scale.items())],
        "types": LABELS,
    }


@interests.post(
    "/profile",
    response={200: ProfileOut, 400: ErrorOut, 422: ErrorOut},
    summary="Un profil d’intérêts et les métiers qui lui correspondent",
    description="`answers` : chaque énoncé (`GET /api/v1/interests/items`) avec une valeur de l’échelle. Des réponses "
    "incomplètes ou hors de l’échelle sont refusées (422), chaque énoncé nommé dans `errors` ; un corps qui n’est pas "
    "du JSON lisible, aussi (400). `domain` (lettre d’un grand domaine du ROME) et `level` (niveau d’études "
    "nécessaire au plus, d’après les fiches métiers de l’Onisep : cap, bac, bac2, bac3, bac5 ; les métiers sans fiche "
    "Onisep sont alors laissés de côté) filtrent les métiers. Un profil plat "
    "(`flat`) n’a pas de code et ne propose aucun métier. Rien n’est enregistré.",
)
def post_profile(request: HttpRequest, body: AnswersIn) -> Any:
    try:
        answers = check_answers(body.answers)
    except AnswersError as error:
        return refused(
            "invalid_answers",
            "Réponses refusées : chaque énoncé reçoit une valeur de l’échelle.",
            error.problems.items(),
        )
    result = profile(answers)
    found = proposals_for(result, domain=body.domain, level=body.level)
    return {
        "scores": result.scores,
        "code": result.code,
        "flat": result.flat,
        "occupations": [{"code": p.code, "title": p.title, "fit": p.fit, "why": p.why} for p in found.proposals],
    }
