"""The person's account: opened by an e-mailed link or by OpenID Connect, without a password;
what signing in brings (their referrals join their space); erased on request, or after two
years unused and a warning."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from sesame.utils import get_token

from orientation.accounts.models import User
from orientation.persons import notifications
from orientation.persons.backends import SCOPE
from orientation.persons.models import Entry, EntryAttachment, Identity, SavedItem, SavedSearch, Share
from orientation.referrals import services as referral_services
from orientation.referrals.models import Referral
from orientation.utils.mail import send_after_commit, site_url
from orientation.utils.ratelimit import Unavailable, allow

EMAIL_MAX = 254


class TooManyLinks(Exception):
    """More sign-in links asked than the limits allow: nothing sent."""


class LinksUnavailable(Exception):
    """The limits cannot be counted (the shared cache does not answer): nothing sent, they fail
    closed, so that nobody floods a mailbox meanwhile."""


def normalise_email(email: str) -> str:
    email = email.strip()
    if len(email) > EMAIL_MAX:
        raise ValidationError({"email": f"Adresse électronique : {EMAIL_MAX} caractères au plus."})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Adresse électronique invalide : elle s’écrit nom@domaine.fr, sans espace."}
        ) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _new_person(email: str | None, *, first_name: str = "", last_name: str = "") -> User:
    person = User(
        username=f"personne-{secrets.token_hex(8)}",
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
        is_person=True,
    )
    person.set_unusable_password()
    person.save()
    return person


def sign_in_link(person: User, next_url: str = "") -> str:
    """The single-use link that opens the person's space (valid SESAME_MAX_AGE)."""
    from urllib.parse import urlencode

    query = {settings.SESAME_TOKEN_NAME: get_token(person, scope=SCOPE)}
    if next_url:
        query["suite"] = next_url
    return site_url("www:person_link") + "?" + urlencode(query)


@transaction.atomic
def sign_in_link_request(*, email: str, client: str, next_url: str = "") -> None:
    """Send a sign-in link to ``email``; the space is opened for it if there is none yet. Whoever
    asks hears the same answer whether the address has a space or not (the mail says the rest).
    At most PERSON_LINKS_PER_HOUR links an hour for one address, and
    PERSON_LINKS_PER_ADDRESS_PER_HOUR from one network: beyond, ``TooManyLinks``."""
    address = normalise_email(email)
    try:
        per_network = allow(
            "person-link-network", client, limit=settings.PERSON_LINKS_PER_ADDRESS_PER_HOUR, window_seconds=3600
        )
        per_address = per_network and allow(
            "person-link-email", address.lower(), limit=settings.PERSON_LINKS_PER_HOUR, window_seconds=3600
        )
    except Unavailable:
        raise LinksUnavailable from None
    if not (per_network and per_address):
        raise TooManyLinks
    user = User.objects.filter(email__iexact=address).first()
    if user is not None and not user.is_person:
        # A back-office account: it signs in with its password and second factor, never by link.
        send_after_commit([notifications.staff_address_mail(address)])
        return
    if user is None:
        user = _new_person(address)
    elif not user.is_active:
        return  # a space closed by the platform: no link, and nothing said to whoever asks
    send_after_commit([notifications.sign_in_mail(user, sign_in_link(user, next_url))])


@transaction.atomic
def person_signed_in(*, person: User) -> int:
    """What a sign-in brings: the person is active again, and the interviews and referrals made
    with their consent under the address of their space join it. Returns the referrals joined."""
    User.objects.filter(pk=person.pk).update(last_active_at=timezone.now(), inactivity_warned_at=None)
    return referral_services.referrals_link_person(person=person)


def person_touch(*, person: User) -> None:
    """The person used their space (the session renewed): the inactivity clock starts again."""
    User.objects.filter(pk=person.pk).update(last_active_at=timezone.now(), inactivity_warned_at=None)


@transaction.atomic
def person_from_identity(*, issuer: str, claims: Mapping[str, Any]) -> User:
    """The person an OpenID Connect identity signs in (FranceConnect): the space it was linked
    to, else the space of the same verified address, else a new space."""
    subject = str(claims.get("sub", "")).strip()
    if not subject or len(subject) > 300:
        raise ValidationError({"sub": "Identité OpenID Connect sans identifiant (« sub »)."})
    identity = Identity.objects.select_related("person").filter(issuer=issuer, subject=subject).first()
    first_name = str(claims.get("given_name", "") or "").strip()
    last_name = str(claims.get("family_name", "") or "").strip()
    if identity is not None:
        person = identity.person
    else:
        email = str(claims.get("email", "") or "").strip()
        verified = claims.get("email_verified", True) is not False  # FranceConnect's are verified
        try:
            email = normalise_email(email) if email and verified else ""
        except ValidationError:
            email = ""
        owner = User.objects.filter(email__iexact=email).first() if email else None
        if owner is not None and owner.is_person:
            person = owner
        else:
            # a back-office account with that address stays apart: the space opens without it
            person = _new_person(email if owner is None and email else None, first_name=first_name, last_name=last_name)
        Identity.objects.create(person=person, issuer=issuer, subject=subject)
    if first_name and last_name and (person.first_name, person.last_name) != (first_name, last_name):
        person.first_name, person.last_name = first_name[:150], last_name[:150]
        person.save(update_fields=["first_name", "last_name"])
    return person


def _erase(person: User) -> dict[str, int]:
    counts = {"referrals": 0}
    for referral in Referral.objects.filter(person=person):
        referral_services.referral_erase_for_person(referral=referral, person=person)
        counts["referrals"] += 1
    files = [attachment.document for attachment in EntryAttachment.objects.filter(entry__person=person)]
    counts["entries"] = Entry.objects.filter(person=person).count()
    # the rows go with the account (cascade); the documents once the erasure is committed
    person.delete()
    transaction.on_commit(lambda: [document.delete(save=False) for document in files])
    return counts


@transaction.atomic
def person_erase(*, person: User) -> dict[str, int]:
    """The person erases their space: passport, documents, shares and their readings, what they
    saved, their identities; their open referrals are withdrawn and the closed ones lose the
    personal data they held. Nothing is kept but the anonymous referral figures."""
    if not person.is_person:
        raise ValidationError("Seul un espace personnel s’efface ainsi.")
    email = person.email
    counts = _erase(person)
    if email:
        send_after_commit([notifications.erased_mail(email, by_request=True)])
    return counts


def persons_run_daily(*, now: datetime | None = None) -> dict[str, int]:
    """The persons' day: a space unused for PERSON_INACTIVE_DAYS is warned; one still unused
    PERSON_ERASE_AFTER_WARNING_DAYS after the warning is erased; a space opened by a link never
    used is removed after a day."""
    now = now or timezone.now()
    counts = {"warned": 0, "erased": 0, "never_used": 0}
    inactive_since = now - timedelta(days=settings.PERSON_INACTIVE_DAYS)
    persons = User.objects.filter(is_person=True)
    last_use = persons.exclude(last_active_at__isnull=True)
    for person in last_use.filter(last_active_at__lt=inactive_since, inactivity_warned_at__isnull=True):
        with transaction.atomic():
            User.objects.filter(pk=person.pk).update(inactivity_warned_at=now)
            if person.email:
                send_after_commit([notifications.inactivity_mail(person, erase_on=now + _grace())])
        counts["warned"] += 1
    for person in last_use.filter(last_active_at__lt=inactive_since, inactivity_warned_at__lte=now - _grace()):
        with transaction.atomic():
            email = person.email
            _erase(person)
            if email:
                send_after_commit([notifications.erased_mail(email, by_request=False)])
        counts["erased"] += 1
    has_data = Exists(Entry.objects.filter(person=OuterRef("pk"))) | Exists(
        SavedItem.objects.filter(person=OuterRef("pk"))
    )
    never_used = persons.filter(
        last_login__isnull=True, last_active_at__isnull=True, date_joined__lt=now - timedelta(days=1)
    ).exclude(has_data)
    never_used = never_used.exclude(Exists(Identity.objects.filter(person=OuterRef("pk"))))
    never_used = never_used.exclude(Exists(SavedSearch.objects.filter(person=OuterRef("pk"))))
    never_used = never_used.exclude(Exists(Share.objects.filter(person=OuterRef("pk"))))
    counts["never_used"] = never_used.delete()[1].get(User._meta.label, 0)
    return counts


def _grace() -> timedelta:
    return timedelta(days=settings.PERSON_ERASE_AFTER_WARNING_DAYS)
