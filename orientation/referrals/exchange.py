"""Referrals between platforms, the wire format only: the JSON document of
``schema/referral-v1.json`` validated (``problems``), read (``parse``) and written
(``referral_document``). What a document means here (its service, its codes, the referral it
makes) and the HTTP exchange are the services' (``services.partners``).

A document carries the anonymous request always, and only the personal data the person
agreed to share, with the wording of the consent. The service is named by its data·inclusion
identifier, as our export publishes it (``orientation-pour-tous--offre-42``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orientation.directory.datainclusion import PRODUCER
from orientation.referrals.models import Referral
from orientation.utils.documents import Problem, load_schema
from orientation.utils.documents import problems as schema_problems

__all__ = ["Problem"]

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "referral-v1.json"
PLATFORM_NAME = "Orientation pour tous"
SERVICE_ID_PREFIX = f"{PRODUCER}--offre-"


def schema() -> dict[str, Any]:
    return load_schema(SCHEMA_PATH)


def problems(document: Any) -> list[Problem]:
    """Every way the document breaks the schema, each with the path of its field."""
    return schema_problems(schema(), document)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def referral_document(referral: Referral) -> dict[str, Any]:
    """The referral as the exchange format describes it (validated by the tests)."""
    person: dict[str, Any] = {}
    if "name" in referral.shared_fields:
        person.update(first_name=referral.first_name, last_name=referral.last_name)
    if "email" in referral.shared_fields and referral.email:
        person["email"] = referral.email
    if "phone" in referral.shared_fields:
        person["phone"] = referral.phone
    if "identifiers" in referral.shared_fields:
        person["identifiers"] = referral.identifiers
    received = referral.partner is not None and referral.sender_organisation_id is None
    sender: dict[str, Any] = {
        "platform": referral.partner.name if received and referral.partner else PLATFORM_NAME,
        "organisation": referral.sender_organisation.name if referral.sender_organisation else referral.sender_name,
    }
    if referral.sender is not None:
        sender["adviser"] = str(referral.sender)
    if referral.sender_email:
        sender["email"] = referral.sender_email
    given = bool(referral.consent_at)
    return {
        "version": "1",
        "id": referral.external_id if received else str(referral.pk),
        "sent_at": referral.sent_at.isoformat(),
        "state": referral.state,
        "sender": sender,
        "service": {
            "id": f"{SERVICE_ID_PREFIX}{referral.offer_id}",
            "name": referral.offer.name,
            "organisation": referral.receiver_organisation.name,
        },
        "request": {
            "public": referral.public,
            "age_band": referral.age_band,
            "situation": referral.situation,
            "themes": list(referral.themes),
            "text": referral.request,
            "commune": referral.commune.code if referral.commune else None,
        },
        "consent": {
            "given": given,
            **({"wording": referral.consent_wording, "at": _iso(referral.consent_at)} if given else {}),
            "shared": list(referral.shared_fields) if given else [],
        },
        "person": person if given else {},
        "message": referral.message,
        "answer": {
            "at": _iso(referral.answered_at),
            "message": referral.answer_message,
            "refusal_reason": referral.refusal_reason,
        },
    }


class DocumentError(ValueError):
    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in found))
        self.problems = found


@dataclass(frozen=True)
class Incoming:
    """A partner's document, valid against the schema, read into Python values."""

    external_id: str
    service_id: str
    sender_name: str
    sender_email: str
    public: str
    age_band: str
    situation: str
    themes: list[str]
    text: str
    commune_code: str | None
    message: str
    consent_wording: str
    consent_at: datetime | None
    shared: list[str]
    person: dict[str, Any]
    sent_at: datetime


def parse(document: Any) -> Incoming:
    """Read a partner's document; ``DocumentError`` names every field that breaks the schema."""
    found = problems(document)
    if found:
        raise DocumentError(found)
    request, consent, sender = document["request"], document["consent"], document["sender"]
    given = bool(consent["given"])
    sent_at = _moment(document["sent_at"], "sent_at", found)
    consent_at = _moment(consent["at"], "consent/at", found) if given and consent.get("at") else None
    if found or sent_at is None:
        raise DocumentError(found)
    return Incoming(
        external_id=document["id"],
        service_id=document["service"]["id"],
        sender_name=f"{sender['organisation']} ({sender['platform']})",
        sender_email=sender.get("email", ""),
        public=request["public"],
        age_band=request["age_band"],
        situation=request["situation"],
        themes=list(request["themes"]),
        text=request.get("text", ""),
        commune_code=request.get("commune") or None,
        message=document.get("message", ""),
        consent_wording=consent.get("wording", "") if given else "",
        consent_at=consent_at,
        shared=list(consent["shared"]) if given else [],
        person=document.get("person") or {},
        sent_at=sent_at,
    )


def _moment(value: str, field: str, found: list[Problem]) -> datetime | None:
    """An ISO 8601 moment with its offset; a problem named by its field otherwise."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        found.append(Problem(field, f"date et heure ISO 8601 attendues : {value!r}"))
        return None
    if moment.tzinfo is None:
        found.append(Problem(field, f"le fuseau horaire manque : {value!r}"))
        return None
    return moment


def offer_id(service_id: str) -> int | None:
    """Our offer's number in a data·inclusion service identifier (``orientation-pour-tous--offre-42``)."""
    number = service_id[len(SERVICE_ID_PREFIX) :]
    return int(number) if service_id.startswith(SERVICE_ID_PREFIX) and number.isdigit() else None


def encode(referral: Referral) -> bytes:
    """The document sent to a partner platform."""
    return json.dumps(referral_document(referral)).encode()
