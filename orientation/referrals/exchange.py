"""Referrals between platforms: the JSON document of ``schema/referral-v1.json``, what we
accept on ``POST /api/v1/referrals``, and what we send to a partner platform.

A document carries the anonymous request always, and only the personal data the person
agreed to share, with the wording of the consent. The service is named by its data·inclusion
identifier, as our export publishes it (``orientation-pour-tous--offre-42``).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import IntegrityError, transaction
from django.utils import timezone

from orientation.directory.codelists import THEMES, Public
from orientation.directory.datainclusion import PRODUCER
from orientation.directory.models import ServiceOffer
from orientation.referrals.models import Event, PartnerPlatform, Referral
from orientation.territories.models import Commune

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "referral-v1.json"
PLATFORM_NAME = "Orientation pour tous"
SERVICE_ID_PREFIX = f"{PRODUCER}--offre-"
FORWARD_TIMEOUT_SECONDS = 10


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field} : {self.reason}"


def problems(document: Any) -> list[Problem]:
    """Every way the document breaks the schema, each with the path of its field."""
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path)):
        path = "/".join(str(part) for part in error.absolute_path) or "(document)"
        found.append(Problem(path, error.message))
    return found


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


def _offer(service_id: str) -> ServiceOffer | None:
    if not service_id.startswith(SERVICE_ID_PREFIX) or not service_id[len(SERVICE_ID_PREFIX) :].isdigit():
        return None
    return (
        ServiceOffer.objects.referrable()
        .select_related("organisation", "place")
        .filter(pk=int(service_id[len(SERVICE_ID_PREFIX) :]))
        .first()
    )


def referral_receive(*, document: Any, partner: PartnerPlatform) -> tuple[Referral, bool]:
    """A referral sent by a partner platform to one of our services. The same document sent
    twice gives the same referral (``created`` False). Bad documents are refused whole, each
    problem named by its field; nothing is saved."""
    found = problems(document)
    if found:
        raise DocumentError(found)
    request, consent = document["request"], document["consent"]
    extra = []
    if request["public"] not in Public.values:
        extra.append(Problem("request/public", f"public inconnu : {request['public']!r}"))
    extra += [
        Problem(f"request/themes/{index}", f"thématique inconnue : {theme!r}")
        for index, theme in enumerate(request["themes"])
        if theme not in THEMES
    ]
    offer = _offer(document["service"]["id"])
    if offer is None:
        extra.append(
            Problem("service/id", "aucun service de cette plateforme ne reçoit d’orientation sous cet identifiant")
        )
    commune = Commune.objects.filter(code=request.get("commune")).first() if request.get("commune") else None
    if request.get("commune") and commune is None:
        extra.append(Problem("request/commune", f"code INSEE inconnu : {request['commune']!r}"))
    if extra:
        raise DocumentError(extra)
    assert offer is not None
    existing = Referral.objects.filter(partner=partner, external_id=document["id"]).first()
    if existing is not None:
        return existing, False
    person = document.get("person") or {}
    from orientation.referrals.services import referral_receive_from_partner

    try:
        with transaction.atomic():
            referral = referral_receive_from_partner(
                partner=partner,
                external_id=document["id"],
                offer=offer,
                sender_name=f"{document['sender']['organisation']} ({document['sender']['platform']})",
                sender_email=document["sender"].get("email", ""),
                public=request["public"],
                age_band=request["age_band"],
                situation=request["situation"],
                themes=request["themes"],
                request=request.get("text", ""),
                commune=commune,
                message=document.get("message", ""),
                consent_wording=consent.get("wording", "") if consent["given"] else "",
                consent_at=datetime.fromisoformat(consent["at"]) if consent["given"] and consent.get("at") else None,
                shared=consent["shared"] if consent["given"] else [],
                person=person,
                sent_at=datetime.fromisoformat(document["sent_at"]),
            )
    except IntegrityError:  # the same document, received twice at the same moment
        return Referral.objects.get(partner=partner, external_id=document["id"]), False
    return referral, True


def referral_forward(referral: Referral) -> bool:
    """Send the referral to the partner platform its service is received through. The outcome
    is an event of the referral; True when the partner took it."""
    partner = referral.partner
    if partner is None or not partner.endpoint_url:
        return False
    body = json.dumps(referral_document(referral)).encode()
    request = urllib.request.Request(
        partner.endpoint_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {partner.outgoing_token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
            status = response.status
    except (urllib.error.URLError, OSError, ValueError) as error:
        Event.objects.create(
            referral=referral, at=timezone.now(), actor=partner.name, action="forward_failed", note=str(error)[:500]
        )
        logger.warning("Orientation %s non transmise à %s : %s", referral.pk, partner.name, error)
        return False
    external = str(answer.get("id", ""))[:100]
    Referral.objects.filter(pk=referral.pk).update(external_id=external or referral.external_id)
    Event.objects.create(
        referral=referral,
        at=timezone.now(),
        actor=partner.name,
        action="forwarded",
        note=f"Transmise à {partner.name} (HTTP {status}, identifiant {external or '—'})",
    )
    return True
