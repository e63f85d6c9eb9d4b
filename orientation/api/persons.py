"""The person's own space in the API, and the passports shared with an adviser.

- ``GET /api/v1/me/passport``, ``PUT /api/v1/me/passport``: the person's passport as the
  document of ``orientation/persons/schema/passport-v1.json`` (also at
  ``GET /api/v1/passports/schema``); a PUT replaces it whole, or is refused whole (422, each
  field named) and changes nothing.
- ``GET /api/v1/me/passport/export?format=json|pdf``: the same as a file to download.
- ``GET /api/v1/me/referrals``: the person's referrals.
- ``GET /api/v1/passports/shared/{id}``: an adviser reads a passport shared with their
  organisation (back-office session); the reading is written down and shown to the person.

The person signs in with their space's session (a PUT then carries the CSRF token) or with an
access token of the OpenID provider (``Authorization: Bearer …``; FranceConnect in production).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from orientation.api.errors import ApiError, NotFound, refused
from orientation.api.schemas import ErrorOut
from orientation.api.security import staff_session
from orientation.persons import oidc, selectors, services
from orientation.persons.documents import passport_document, schema
from orientation.persons.pdf import passport_pdf

me = Router(tags=["Mon espace : passeport orientation-formation"])
passports = Router(tags=["Passeports partagés avec un conseiller"])

#: a passport document is small: 9 sections of at most 200 entries of a few hundred characters
BODY_MAX_BYTES = 2 * 1024 * 1024


class PersonSession(SessionAuth):
    """The person's own space, signed in by its link or by OpenID Connect (never a staff session)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and getattr(user, "is_person", False):
            return user
        return None


class PersonBearer(HttpBearer):
    """An access token of the deployment's OpenID provider, checked at its user info endpoint."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        person = oidc.person_for_bearer(token)
        if person is not None:
            request.user = person
        return person


person_session = PersonSession()
person_bearer = PersonBearer()
PERSON = [person_session, person_bearer]


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with its local ``$ref`` replaced by their definitions, so that it can sit inside
    the OpenAPI document (where « #/$defs/… » would point elsewhere)."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            resolved = _inline(copy.deepcopy(definitions[node["$ref"].removeprefix("#/$defs/")]), definitions)
            return {**resolved, **{key: value for key, value in node.items() if key != "$ref"}}
        return {
            key: _inline(value, definitions) for key, value in node.items() if key not in ("$defs", "$schema", "$id")
        }
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


def passport_openapi_schema() -> dict[str, Any]:
    document = schema()
    return _inline(document, document.get("$defs", {}))


def _json_content() -> dict[str, Any]:
    return {"application/json": {"schema": passport_openapi_schema()}}


PASSPORT_RESPONSE = {"responses": {200: {"description": "Le passeport (passport-v1)", "content": _json_content()}}}
PASSPORT_BODY = {"requestBody": {"required": True, "content": _json_content()}, **PASSPORT_RESPONSE}


class InvalidPassport(ApiError):
    status = 422
    code = "invalid_passport"


class ExportParams(Schema):
    format: Literal["json", "pdf"] = "json"


class PersonReferralOut(Schema):
    id: int
    state: str
    service: str
    organisation: str
    sent_at: Any
    answered_at: Any | None
    shared_fields: list[str]
    answer_message: str


class SharedPassportOut(Schema):
    id: int
    organisation: str
    sections: list[str]
    expires_at: Any
    passport: dict[str, Any]


@me.get(
    "/passport",
    response={200: dict, 401: ErrorOut},
    auth=PERSON,
    summary="Mon passeport orientation-formation",
    description="Le passeport de la personne connectée, au format `passport-v1` (`GET /api/v1/passports/schema`).",
    openapi_extra=PASSPORT_RESPONSE,
)
def get_passport(request: HttpRequest) -> JsonResponse:
    return JsonResponse(passport_document(request.auth))  # type: ignore[attr-defined]


@me.put(
    "/passport",
    response={200: dict, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=PERSON,
    summary="Remplacer mon passeport",
    description="Le document `passport-v1` remplace tout le passeport (les propositions de conseillers en attente "
    "restent). Un document qui ne suit pas le schéma ou les règles du passeport (dates à venir dans une rubrique "
    "passée, code RNCP mal écrit…) est refusé en entier, chaque problème nommé par son champ, et rien ne change. "
    "Les liens vers une formation Onisep ou une fiche ROME inconnues de cette plateforme sont laissés de côté. "
    "Avec la session de l’espace, la requête porte le jeton CSRF (en-tête `X-CSRFToken`), sinon 403.",
    openapi_extra=PASSPORT_BODY,
)
def put_passport(request: HttpRequest) -> Any:
    if len(request.body) > BODY_MAX_BYTES:
        raise InvalidPassport(f"Document trop long : {BODY_MAX_BYTES // (1024 * 1024)} Mo au plus.")
    try:
        document = json.loads(request.body or b"null")
    except ValueError as error:
        raise InvalidPassport(f"Le corps n’est pas du JSON lisible : {error}.") from error
    try:
        services.passport_import(person=request.auth, document=document, replace=True)  # type: ignore[attr-defined]
    except services.DocumentRefused as refusal:
        return refused(
            "invalid_passport",
            "Passeport refusé en entier : rien n’a changé.",
            ((problem.field, problem.reason) for problem in refusal.problems),
        )
    return JsonResponse(passport_document(request.auth))  # type: ignore[attr-defined]


@me.get(
    "/passport/export",
    response={200: bytes, 401: ErrorOut, 422: ErrorOut},
    auth=PERSON,
    summary="Exporter mon passeport (JSON ou PDF)",
    description="Le passeport en fichier à télécharger : `format=json` (passport-v1) ou `format=pdf`.",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le fichier",
                "content": {
                    "application/json": {"schema": passport_openapi_schema()},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_passport(request: HttpRequest, params: Query[ExportParams]) -> HttpResponse:
    person = request.auth  # type: ignore[attr-defined]
    if params.format == "pdf":
        response = HttpResponse(passport_pdf(person), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="passeport-orientation-formation.pdf"'
        return response
    response = HttpResponse(
        json.dumps(passport_document(person), ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="passeport-orientation-formation.json"'
    return response


@me.get(
    "/referrals",
    response={200: list[PersonReferralOut], 401: ErrorOut},
    auth=PERSON,
    summary="Mes demandes d’accompagnement",
    description="Les orientations faites avec l’accord de la personne, à l’adresse de son espace.",
)
def my_referrals(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": referral.pk,
            "state": referral.state,
            "service": referral.offer.name,
            "organisation": referral.receiver_organisation.name,
            "sent_at": referral.sent_at,
            "answered_at": referral.answered_at,
            "shared_fields": referral.shared_fields,
            "answer_message": referral.answer_message if referral.state == referral.State.ACCEPTED else "",
        }
        for referral in selectors.referrals_of(request.auth)[:500]  # type: ignore[attr-defined]
    ]


@passports.get(
    "/schema",
    summary="Le schéma JSON d’un passeport (passport-v1)",
    description="Le format documenté du passeport orientation-formation exporté et importé.",
)
def passport_schema(request: HttpRequest) -> HttpResponse:
    return JsonResponse(schema())


@passports.get(
    "/shared/{share_id}",
    response={200: SharedPassportOut, 401: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    summary="Un passeport partagé avec mon organisation",
    description="Les rubriques que la personne a partagées avec votre organisation, tant que le partage dure. "
    "Chaque lecture est notée et montrée à la personne. Un partage retiré, expiré ou fait avec une autre "
    "organisation répond 404.",
)
def shared_passport(request: HttpRequest, share_id: int) -> dict[str, Any]:
    share = selectors.readable_share(request.user, share_id)  # type: ignore[arg-type]
    if share is None:
        raise NotFound(f"Aucun passeport partagé n° {share_id} avec votre organisation.")
    services.share_read(share=share, reader=request.user, what="passeport par l’API")  # type: ignore[arg-type]
    return {
        "id": share.pk,
        "organisation": share.organisation.name,
        "sections": share.sections,
        "expires_at": share.expires_at,
        "passport": passport_document(share.person, share.sections),
    }
