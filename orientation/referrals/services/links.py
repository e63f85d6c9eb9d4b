"""The secure links: the receiving service's (8 days, renewed on request or with a
reminder) and the person's (derived from a stored nonce); never stored in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from orientation.referrals import notifications
from orientation.referrals.models import Event, Referral, TextMessage, token_digest
from orientation.referrals.rules import RECEIVER_LINK_DAYS
from orientation.referrals.services.flow import SYSTEM
from orientation.utils.mail import send_after_commit, site_url


@dataclass(frozen=True)
class Links:
    """The links made when a referral is sent: shown once, never stored in clear."""

    receiver: str
    person: str


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def _person_token(nonce: str) -> str:
    """The person's link token, derived from a stored nonce and the secret key: an SMS still to
    send can be written when it is sent, and no table holds a token that opens the page."""
    return salted_hmac("orientation.referrals.person-link", nonce).hexdigest()


def text_message_text(message: TextMessage) -> str:
    """The SMS as the provider's adapter sends it, with the person's link written in."""
    if not message.link_nonce:
        return message.body
    link = site_url("www:referral_follow", _person_token(message.link_nonce))
    return message.body.replace(TextMessage.LINK_PLACEHOLDER, link)


def _receiver_link(referral: Referral) -> str:
    token, digest = _new_token()
    referral.receiver_token_digest = digest
    referral.receiver_token_expires_at = timezone.now() + timedelta(days=RECEIVER_LINK_DAYS)
    return site_url("www:referral_receive", token)


def referral_by_receiver_token(token: str) -> Referral | None:
    """The referral this secure link opens: an open one, to answer, or one the service accepted,
    to read again (the person's contact) for RECEIVER_LINK_DAYS after the answer; nothing for an
    unknown or expired link, nor once refused or withdrawn."""
    if not token or len(token) > 100:
        return None
    referral = (
        Referral.objects.filter(state__in=[Referral.State.SENT, Referral.State.SEEN, Referral.State.ACCEPTED])
        .select_related("offer", "receiver_organisation", "commune")
        .filter(receiver_token_digest=token_digest(token), receiver_token_expires_at__gt=timezone.now())
        .first()
    )
    return referral


@transaction.atomic
def referral_renew_link(*, referral: Referral) -> bool:
    """Send a new secure link to the service's address (the old one stops working); False
    when the referral is no longer open."""
    referral = Referral.objects.select_for_update().select_related("offer").get(pk=referral.pk)
    if not referral.is_open:
        return False
    link = _receiver_link(referral)
    referral.save(update_fields=["receiver_token_digest", "receiver_token_expires_at"])
    Event.objects.create(referral=referral, at=timezone.now(), actor=SYSTEM.label, action="link_renewed")
    send_after_commit([notifications.receiver_mail(referral, link)])
    return True


def referral_by_expired_receiver_token(token: str) -> Referral | None:
    """An open referral whose secure link has expired (a new one may be sent to the service)."""
    if not token or len(token) > 100:
        return None
    return Referral.objects.open().filter(receiver_token_digest=token_digest(token)).first()


def referral_by_person_token(token: str) -> Referral | None:
    if not token or len(token) > 100:
        return None
    return (
        Referral.objects.select_related("offer", "offer__place", "receiver_organisation", "commune")
        .filter(person_token_digest=token_digest(token), anonymised_at__isnull=True)
        .first()
    )
