"""Writes on accounts: enrolling and resetting the second factor of staff.

A password alone must not let anyone enrol an authenticator: whoever learnt a not-yet-enrolled
user's password would bind their own phone to the account for good. Enrolment is therefore
opened by something the owner holds, a link e-mailed to the account's address:

- the link is signed and short-lived (``SECOND_FACTOR_LINK_MINUTES``), and it is valid for one
  state of the account: opening it replaces the pending authenticator, confirming one enrols it,
  changing the password… each changes that state, so a link opens enrolment once;
- it opens enrolment only in a session already signed in with that user's password;
- the owner is told by e-mail when an authenticator is enrolled or reset, so an enrolment made
  by someone else does not go unseen; an administrator resets it (admin action or
  ``manage.py reset_second_factor``) and the owner enrols again from a new link.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from orientation.accounts.models import User
from orientation.utils.mail import compose, send_after_commit
from orientation.utils.ratelimit import Unavailable, allow

logger = logging.getLogger(__name__)

_SALT = "orientation.accounts.second-factor-enrolment"
LINKS_PER_HOUR = 3
DEVICE_NAME = "Application d’authentification"


class EnrolmentError(Exception):
    """Why an enrolment link cannot be sent or opened, in words for the person."""


def _account_state(user: User) -> str:
    """A digest of what an enrolment link is valid for; it changes when the link has been used."""
    devices = TOTPDevice.objects.filter(user=user).order_by("pk").values_list("pk", "key", "confirmed")
    material = f"{user.pk}|{user.password}|{user.email}|{list(devices)}"
    return salted_hmac(_SALT, material).hexdigest()[:32]


def enrolment_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "state": _account_state(user)}, salt=_SALT, compress=True)


def enrolment_link_send(*, user: User) -> None:
    """E-mail ``user`` a link that opens the enrolment of an authenticator."""
    if not user.email:
        raise EnrolmentError(
            "Votre compte n’a pas d’adresse électronique : demandez à l’administrateur de votre organisation "
            "d’en ajouter une, ou de vous envoyer le lien d’activation."
        )
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise EnrolmentError("Ce compte a déjà une application d’authentification.")
    try:
        allowed = allow("second-factor-links", str(user.pk), limit=LINKS_PER_HOUR, window_seconds=3600)
    except Unavailable:
        raise EnrolmentError("Envoi momentanément impossible : réessayez dans quelques minutes.") from None
    if not allowed:
        raise EnrolmentError(
            f"{LINKS_PER_HOUR} liens ont déjà été envoyés cette heure-ci : utilisez le dernier reçu, ou réessayez "
            "plus tard."
        )
    minutes = settings.SECOND_FACTOR_LINK_MINUTES
    link = settings.SITE_URL + reverse("backoffice:second_factor_enrol", args=[enrolment_token(user)])
    with transaction.atomic():
        send_after_commit(
            [
                compose(
                    [user.email],
                    "Activer la double authentification",
                    f"Une activation de la double authentification a été demandée pour le compte « {user.username} ».",
                    f"Ouvrez ce lien dans le navigateur où vous venez de saisir votre mot de passe ; il est valable "
                    f"{minutes} minutes et une seule fois.",
                    "Si vous n’êtes pas à l’origine de cette demande, ne l’ouvrez pas : quelqu’un connaît votre "
                    "mot de passe. Changez-le et prévenez l’administrateur de votre organisation.",
                    link=("Activer la double authentification", link),
                )
            ]
        )
    logger.info("Lien d’activation du second facteur envoyé (utilisateur %s)", user.pk)


def enrolment_open(*, user: User, token: str) -> TOTPDevice:
    """Check the link for the user signed in with their password; give the authenticator to enrol."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=timedelta(minutes=settings.SECOND_FACTOR_LINK_MINUTES))
    except signing.SignatureExpired as error:
        raise EnrolmentError("Ce lien d’activation a expiré : demandez-en un nouveau.") from error
    except signing.BadSignature as error:
        raise EnrolmentError("Ce lien d’activation n’est pas valable.") from error
    if data.get("user") != user.pk:
        raise EnrolmentError("Ce lien d’activation est celui d’un autre compte.")
    if data.get("state") != _account_state(user):
        raise EnrolmentError("Ce lien d’activation a déjà servi : demandez-en un nouveau.")
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_confirm(*, device: TOTPDevice) -> None:
    """The first right code enrols the authenticator; the owner is told."""
    user: User = device.user
    with transaction.atomic(durable=True):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _tell_owner(
            user,
            "Double authentification activée",
            f"Une application d’authentification a été associée au compte « {user.username} » le "
            f"{timezone.localtime():%d/%m/%Y à %H:%M}.",
        )


def second_factor_check(*, device: TOTPDevice, token: str) -> str | None:
    """Check a code of the authenticator: None when it is right (it is then used and cannot
    serve again); else what to tell the person: wait after too many wrong codes, a code already
    used (it matches this moment for the authenticator, but django-otp refuses a replay), or a
    wrong one (often a phone whose clock is off)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until") or timezone.now()
        wait = max(int((locked_until - timezone.now()).total_seconds()) + 1, 1)
        return f"Trop de codes erronés à la suite : attendez {wait} seconde(s) avant d’en saisir un autre."
    if device.verify_token(token):
        return None
    code = token.strip()
    # The same window as verify_token, without its « not before the last code used » rule.
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if code.isdigit() and clock.verify(int(code), tolerance=device.tolerance):
        return "Ce code a déjà servi : attendez que votre application en affiche un nouveau (30 secondes au plus)."
    return "Ce code ne correspond pas : vérifiez que l’heure de votre téléphone est à l’heure exacte."


def second_factor_reset(*, user: User, by_user: User | None) -> int:
    """Remove the user's authenticators: they enrol again from a new link. Returns how many."""
    with transaction.atomic(durable=True):
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        _tell_owner(
            user,
            "Double authentification réinitialisée",
            f"La double authentification du compte « {user.username} » a été réinitialisée par "
            f"{by_user or 'l’équipe d’exploitation'}. À votre prochaine connexion, un lien vous sera envoyé pour "
            "associer votre application d’authentification.",
        )
    logger.info("Second facteur réinitialisé (utilisateur %s, %s appareil(s), par %s)", user.pk, count, by_user)
    return count


def _tell_owner(user: User, subject: str, line: str) -> None:
    if user.email:
        send_after_commit(
            [
                compose(
                    [user.email],
                    subject,
                    line,
                    "Si ce n’est pas vous, prévenez sans attendre l’administrateur de votre organisation : il peut "
                    "réinitialiser la double authentification de votre compte.",
                )
            ]
        )
