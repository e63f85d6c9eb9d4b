"""Referrals exchanged with partner platforms: a document received on ``POST
/api/v1/referrals`` becomes one of our referrals (checked against our services and code lists,
the same document twice giving the same referral), and a referral to a service received through
another platform is sent there (the outcome written as an event).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import ServiceOffer
from orientation.referrals import exchange, notifications
from orientation.referrals.exchange import DocumentError, Incoming, Problem
from orientation.referrals.models import Event, PartnerPlatform, Referral
from orientation.referrals.services.links import _receiver_link
from orientation.territories.models import Commune
from orientation.utils.mail import send_after_commit

logger = logging.getLogger(__name__)

FORWARD_TIMEOUT_SECONDS = 10


def _check(incoming: Incoming) -> tuple[ServiceOffer, Commune | None]:
    """What the schema cannot say: the service is one of ours that takes referrals, the codes
    are ours. Every problem is named by its field."""
    found = []
    if incoming.public not in Public.values:
        found.append(Problem("request/public", f"public inconnu : {incoming.public!r}"))
    found += [
        Problem(f"request/themes/{index}", f"thématique inconnue : {theme!r}")
        for index, theme in enumerate(incoming.themes)
        if theme not in THEMES
    ]
    number = exchange.offer_id(incoming.service_id)
    offer = (
        ServiceOffer.objects.referrable().select_related("organisation", "place").filter(pk=number).first()
        if number is not None
        else None
    )
    if offer is None:
        found.append(
            Problem("service/id", "aucun service de cette plateforme ne reçoit d’orientation sous cet identifiant")
        )
    commune = Commune.objects.filter(code=incoming.commune_code).first() if incoming.commune_code else None
    if incoming.commune_code and commune is None:
        found.append(Problem("request/commune", f"code INSEE inconnu : {incoming.commune_code!r}"))
    if found:
        raise DocumentError(found)
    assert offer is not None
    return offer, commune


def referral_receive(*, document: Any, partner: PartnerPlatform) -> tuple[Referral, bool]:
    """A referral sent by a partner platform to one of our services. The same document sent
    twice gives the same referral (``created`` False). Bad documents are refused whole, each
    problem named by its field; nothing is saved."""
    incoming = exchange.parse(document)
    offer, commune = _check(incoming)
    existing = Referral.objects.filter(partner=partner, external_id=incoming.external_id).first()
    if existing is not None:
        return existing, False
    try:
        referral = referral_receive_from_partner(partner=partner, incoming=incoming, offer=offer, commune=commune)
    except IntegrityError:  # the same document, received twice at the same moment
        return Referral.objects.get(partner=partner, external_id=incoming.external_id), False
    return referral, True


@transaction.atomic
def referral_receive_from_partner(
    *, partner: PartnerPlatform, incoming: Incoming, offer: ServiceOffer, commune: Commune | None
) -> Referral:
    """The referral a checked document makes: the service hears of it as of any other, and
    answers it the same way."""
    shared, person = incoming.shared, incoming.person
    referral = Referral(
        offer=offer,
        partner=partner,
        external_id=incoming.external_id,
        sender_name=incoming.sender_name[:300],
        sender_email=incoming.sender_email,
        receiver_organisation=offer.organisation,
        message=incoming.message,
        public=incoming.public,
        age_band=incoming.age_band,
        situation=incoming.situation,
        themes=incoming.themes,
        request=incoming.text,
        commune=commune,
        sent_at=incoming.sent_at,
        consent_wording=incoming.consent_wording,
        consent_at=incoming.consent_at,
        shared_fields=shared,
        first_name=person.get("first_name", "") if "name" in shared else "",
        last_name=person.get("last_name", "") if "name" in shared else "",
        email=person.get("email", "") if "email" in shared else "",
        phone=person.get("phone", "") if "phone" in shared else "",
        identifiers=person.get("identifiers", {}) if "identifiers" in shared else {},
    )
    link = _receiver_link(referral)
    referral.save()
    Event.objects.create(
        referral=referral,
        at=timezone.now(),
        actor=partner.name,
        action="received",
        to_state=referral.state,
        note=f"Reçue de {partner.name} (identifiant {incoming.external_id})",
    )
    send_after_commit([notifications.receiver_mail(referral, link)])
    return referral


def referral_forward(referral: Referral) -> bool:
    """Send the referral to the partner platform its service is received through. The outcome
    is an event of the referral; True when the partner took it."""
    partner = referral.partner
    if partner is None or not partner.endpoint_url:
        return False
    request = urllib.request.Request(
        partner.endpoint_url,
        data=exchange.encode(referral),
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
