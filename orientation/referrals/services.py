"""Writes of the first level and the referral: interviews, consent, referrals and their
transitions, the secure links, the person's withdrawal, reminders, expiry and purges.

Every public function is one transaction; its e-mails and tasks go after the commit.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import Organisation, ServiceOffer
from orientation.referrals.models import (
    PERSONAL_FIELDS,
    AccessNeed,
    AgeBand,
    Attachment,
    Event,
    Interview,
    PartnerPlatform,
    PersonalDataAccess,
    Referral,
    RefusalReason,
    Situation,
    TextMessage,
    token_digest,
)
from orientation.territories.models import Commune
from orientation.utils.mail import Mail, compose, send_after_commit
from orientation.utils.tasks import enqueue_after_commit
from orientation.utils.workflow import TransitionError, Workflow  # noqa: F401 (callers catch services.TransitionError)

logger = logging.getLogger(__name__)

#: what the person agrees to, read to them and kept with the consent
CONSENT_WORDING = (
    "J’accepte que l’organisme qui m’accueille enregistre mes coordonnées et les transmette au service "
    "vers lequel il m’oriente, pour que ce service me contacte. Seules les informations que je choisis "
    "sont transmises. Je peux voir où en est ma demande et retirer mon accord à tout moment avec le lien "
    "que je reçois ; mes données sont alors effacées de la demande."
)
RECEIVER_LINK_DAYS = 8
REMINDER_DAYS = (10, 20)
EXPIRY_DAYS = 30
ATTACHMENTS_KEPT_DAYS = 183  # 6 months after the referral is closed
PERSONAL_DATA_KEPT_DAYS = 730  # 2 years after


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or someone without an account (secure link, the person,
    the platform's clock, a partner platform)."""

    user: User | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user, str(user))


SYSTEM = Actor(None, "la plateforme")
PERSON = Actor(None, "la personne")
SECURE_LINK = Actor(None, "lien sécurisé")


def _mail(recipients: list[str], subject: str, lines: list[str]) -> Mail:
    return compose(recipients, subject, *lines)


def _person_address(referral: Referral) -> str:
    """Where the person hears of their request: the address they gave with their consent."""
    if referral.interview is not None and referral.interview.consent_given and referral.interview.email:
        return referral.interview.email
    return referral.email


def _day(moment: datetime | date) -> str:
    """« 3 décembre 2026 », a moment read in France's time."""
    return date_format(timezone.localtime(moment) if isinstance(moment, datetime) else moment, "j F Y")


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _log_access(
    actor: Actor, action: str, *, interview: Interview | None = None, referral: Referral | None = None
) -> None:
    PersonalDataAccess.objects.create(
        user=actor.user, actor=actor.label, interview=interview, referral=referral, action=action, at=timezone.now()
    )


def _acts_as(actor: Actor, role: str, referral: Referral) -> bool:
    """A user acts for the receiving organisation only if it belongs to it; the secure link
    for the receiver, the person for themselves, the platform's clock for itself."""
    if actor.user is not None:
        return role == "receiver" and referral.receiver_organisation_id in organisation_ids(actor.user)
    return {"receiver": SECURE_LINK, "person": PERSON, "system": SYSTEM}.get(role) == actor


#: the referral's workflow, on the one engine (orientation.utils.workflow)
FLOW = Workflow(Referral.TRANSITIONS, _acts_as, refusal="Cette orientation n’a pas été adressée à votre organisation.")


def _move(referral: Referral, to_state: str, *, actor: Actor, action: str, note: str = "") -> Event:
    now = timezone.now()

    def closing(_from_state: str) -> None:
        if to_state in Referral.CLOSED:
            referral.closed_at = now

    def event(from_state: str, to_state: str) -> Event:
        return Event.objects.create(
            referral=referral, at=now, by=actor.user, actor=actor.label, action=action,
            from_state=from_state, to_state=to_state, note=note,
        )  # fmt: skip

    return cast(Event, FLOW.move(referral, to_state, actor=actor, event=event, before_save=closing))


# First level -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDetails:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    identifiers: dict[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not (self.first_name or self.last_name or self.email or self.phone or self.identifiers)


def _check_request(public: str, age_band: str, situation: str, themes: list[str], needs: list[str]) -> None:
    errors: dict[str, str] = {}
    if public not in Public.values:
        errors["public"] = f"Public inconnu : {public!r}."
    if age_band not in AgeBand.values:
        errors["age_band"] = f"Tranche d’âge inconnue : {age_band!r}."
    if situation not in Situation.values:
        errors["situation"] = f"Situation inconnue : {situation!r}."
    unknown = [theme for theme in themes if theme not in THEMES]
    if not themes or unknown:
        errors["themes"] = (
            f"Thématiques inconnues : {', '.join(unknown)}." if unknown else "Choisissez au moins une thématique."
        )
    if any(need not in AccessNeed.values for need in needs):
        errors["access_needs"] = "Besoin d’accessibilité inconnu."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interview_record(
    *,
    adviser: User,
    organisation: Organisation,
    public: str,
    age_band: str,
    situation: str,
    themes: list[str],
    request: str = "",
    commune: Commune | None = None,
    access_needs: list[str] | None = None,
    consent: bool = False,
    person: PersonDetails | None = None,
) -> Interview:
    """A first-level interview, anonymous unless the person explicitly agrees: personal details
    without consent are refused, never stored."""
    if organisation.pk not in organisation_ids(adviser):
        raise PermissionDenied("Vous n’êtes pas conseiller de cette organisation.")
    needs = list(access_needs or [])
    _check_request(public, age_band, situation, themes, needs)
    person = person or PersonDetails()
    if not person.empty and not consent:
        raise ValidationError(
            {
                "consent": "Sans l’accord explicite de la personne, l’entretien reste anonyme : "
                "n’inscrivez ni nom ni contact."
            }
        )
    if consent and person.empty:
        raise ValidationError(
            {"consent": "La personne a donné son accord : indiquez au moins un moyen de la contacter."}
        )
    interview = Interview.objects.create(
        organisation=organisation,
        adviser=adviser,
        public=public,
        age_band=age_band,
        situation=situation,
        themes=themes,
        request=request.strip(),
        commune=commune,
        access_needs=needs,
        consent_given=consent,
        consent_wording=CONSENT_WORDING if consent else "",
        consent_at=timezone.now() if consent else None,
        consent_recorded_by=adviser if consent else None,
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        email=person.email.strip(),
        phone=person.phone.strip(),
        identifiers=person.identifiers or {},
    )
    if consent:
        _log_access(Actor.of(adviser), "record", interview=interview)
    return interview


# Sending a referral ----------------------------------------------------------------------


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
    link = _url("www:referral_follow", _person_token(message.link_nonce))
    return message.body.replace(TextMessage.LINK_PLACEHOLDER, link)


def _receiver_link(referral: Referral) -> str:
    token, digest = _new_token()
    referral.receiver_token_digest = digest
    referral.receiver_token_expires_at = timezone.now() + timedelta(days=RECEIVER_LINK_DAYS)
    return _url("www:referral_receive", token)


def _receiver_mail(referral: Referral, link: str, *, reminder: int = 0) -> Mail:
    offer = referral.offer
    subject = (
        f"Relance : une personne attend votre réponse ({offer.name})"
        if reminder
        else f"Une personne vous est orientée : {offer.name}"
    )
    lines = [
        f"{referral.sender_name} vous adresse une personne pour le service « {offer.name} ».",
        "",
        f"Demande : {', '.join(THEMES.get(theme, theme) for theme in referral.themes)}.",
        f"Public : {referral.get_public_display()}, {referral.get_age_band_display()}, "
        f"{referral.get_situation_display()}.",
    ]
    if referral.commune:
        lines.append(f"Commune : {referral.commune.name}.")
    if referral.message:
        # Free text may name the person: it is read behind the link, not in a mail.
        lines += ["", "Le conseiller a joint un message, à lire avec la demande."]
    answer_by = timezone.localdate(referral.sent_at) + timedelta(days=EXPIRY_DAYS)
    lines += [
        "",
        "Pour voir la demande et y répondre :",
        link,
        f"Par sécurité, ce lien personnel ne s’ouvre que pendant {RECEIVER_LINK_DAYS} jours ; "
        "ouvert plus tard, il vous propose d’en recevoir un nouveau à cette adresse.",
        "",
        f"Merci de répondre avant le {_day(answer_by)} : sans réponse à cette date, la demande expire "
        "et le conseiller en est informé.",
    ]
    return _mail([referral.offer.referral_address], subject, lines)


def _person_mail(referral: Referral, link: str) -> Mail:
    return _mail(
        [_person_address(referral)],
        "Votre demande d’accompagnement a été transmise",
        [
            f"Votre demande a été transmise au service « {referral.offer.name} » "
            f"({referral.receiver_organisation.name}), avec votre accord.",
            "",
            "Pour voir où elle en est, ce que vous avez accepté de partager, ou pour retirer votre accord :",
            link,
        ],
    )


def _sms_text(referral: Referral, link: str) -> str:
    return (
        f"Orientation pour tous : votre demande est transmise à {referral.receiver_organisation.name}. "
        f"Suivi ou retrait : {link}"
    )


@transaction.atomic
def referral_send(
    *,
    interview: Interview,
    offer: ServiceOffer,
    by_user: User,
    message: str = "",
    share: list[str] | None = None,
    attachments: list[UploadedFile] | None = None,
) -> tuple[Referral, Links]:
    """Send the person's request to a service, with only the data the person agreed to share."""
    if not Interview.objects.visible_to(by_user).filter(pk=interview.pk).exists():
        raise PermissionDenied("Cet entretien n’est pas celui de votre organisation.")
    interview = Interview.objects.select_related("organisation", "commune").get(pk=interview.pk)
    if not ServiceOffer.objects.referrable().filter(pk=offer.pk).exists():
        raise ValidationError({"offer": f"Le service « {offer} » ne reçoit pas d’orientation."})
    share = list(share or [])
    unknown = [name for name in share if name not in PERSONAL_FIELDS]
    if unknown:
        raise ValidationError({"share": f"Données inconnues : {', '.join(unknown)}."})
    if share and not interview.consent_given:
        raise ValidationError(
            {"share": "La personne n’a pas donné son accord : aucune donnée personnelle n’est transmise."}
        )
    if not offer.referral_address:
        raise ValidationError({"offer": f"Le service « {offer} » n’a pas d’adresse pour recevoir les orientations."})
    if attachments and not interview.consent_given:
        raise ValidationError({"attachments": "Sans l’accord de la personne, aucune pièce n’est transmise."})
    referral = Referral(
        interview=interview,
        offer=offer,
        sender_organisation=interview.organisation,
        sender=by_user,
        sender_name=f"{by_user} ({interview.organisation.name})",
        sender_email=by_user.email or "",
        receiver_organisation=offer.organisation,
        message=message.strip(),
        public=interview.public,
        age_band=interview.age_band,
        situation=interview.situation,
        themes=interview.themes,
        request=interview.request,
        commune=interview.commune,
        sent_at=timezone.now(),
        shared_fields=share,
        consent_wording=interview.consent_wording if interview.consent_given else "",
        consent_at=interview.consent_at,
    )
    if "name" in share:
        referral.first_name, referral.last_name = interview.first_name, interview.last_name
    if "email" in share:
        referral.email = interview.email
    if "phone" in share:
        referral.phone = interview.phone
    if "identifiers" in share:
        referral.identifiers = interview.identifiers
    receiver_link = _receiver_link(referral)
    person_nonce = secrets.token_urlsafe(32)
    person_token = _person_token(person_nonce)
    referral.person_token_digest = token_digest(person_token)
    referral.save()
    person_link = _url("www:referral_follow", person_token)
    for document in attachments or []:
        Attachment.objects.create(referral=referral, document=document, name=document.name or "pièce jointe")
    shared_names = ", ".join(str(PERSONAL_FIELDS[name]) for name in share)
    Event.objects.create(
        referral=referral,
        at=referral.sent_at,
        by=by_user,
        actor=str(by_user),
        action="sent",
        to_state=referral.state,
        note=f"vers {offer} ; données partagées : {shared_names or 'aucune'}",
    )
    if share:
        _log_access(Actor.of(by_user), "share", interview=interview, referral=referral)
    mails = [_receiver_mail(referral, receiver_link)]
    # The person hears of it by e-mail, or by an SMS prepared for the provider, if they gave one.
    if interview.consent_given and interview.email:
        mails.append(_person_mail(referral, person_link))
    if interview.consent_given and interview.phone:
        TextMessage.objects.create(
            phone=interview.phone,
            body=_sms_text(referral, TextMessage.LINK_PLACEHOLDER),
            link_nonce=person_nonce,
            referral=referral,
        )
    send_after_commit(mails)
    _forward_if_partner(referral)
    return referral, Links(receiver=receiver_link, person=person_link)


@transaction.atomic
def referral_receive_from_partner(
    *,
    partner: PartnerPlatform,
    external_id: str,
    offer: ServiceOffer,
    sender_name: str,
    sender_email: str,
    public: str,
    age_band: str,
    situation: str,
    themes: list[str],
    request: str,
    commune: Commune | None,
    message: str,
    consent_wording: str,
    consent_at: datetime | None,
    shared: list[str],
    person: dict[str, Any],
    sent_at: datetime,
) -> Referral:
    """A referral another platform sends to one of our services (checked by the exchange
    module): the service hears of it as of any other, and answers it the same way."""
    referral = Referral(
        offer=offer,
        partner=partner,
        external_id=external_id,
        sender_name=sender_name[:300],
        sender_email=sender_email,
        receiver_organisation=offer.organisation,
        message=message,
        public=public,
        age_band=age_band,
        situation=situation,
        themes=themes,
        request=request,
        commune=commune,
        sent_at=sent_at,
        consent_wording=consent_wording,
        consent_at=consent_at,
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
        note=f"Reçue de {partner.name} (identifiant {external_id})",
    )
    send_after_commit([_receiver_mail(referral, link)])
    return referral


def _forward_if_partner(referral: Referral) -> None:
    """A service received through another platform gets the referral there, after the commit."""
    partner = referral.receiver_organisation.partner_platforms.filter(active=True).exclude(endpoint_url="").first()
    if partner is None:
        return
    Referral.objects.filter(pk=referral.pk).update(partner=partner)
    enqueue_after_commit("referrals.forward", referral.pk)


# The receiver ----------------------------------------------------------------------------


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
def referral_mark_seen(*, referral: Referral, actor: Actor) -> None:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    FLOW.check_actor(referral, Referral.State.SEEN, actor=actor)
    if referral.state != Referral.State.SENT:
        return
    referral.seen_at = timezone.now()
    _move(referral, Referral.State.SEEN, actor=actor, action="seen")


def _answer_mails(referral: Referral, accepted: bool) -> list[Mail]:
    offer = referral.offer
    if accepted:
        subject = f"Orientation acceptée par {referral.receiver_organisation.name}"
        line = f"Le service « {offer.name} » a accepté la demande que vous lui avez adressée."
    else:
        subject = f"Orientation refusée par {referral.receiver_organisation.name}"
        line = (
            f"Le service « {offer.name} » ne peut pas donner suite à la demande : "
            f"{referral.get_refusal_reason_display()}."
        )
    lines = [line, *(["", referral.answer_message] if referral.answer_message else [])]
    mails = []
    if referral.sender_email:
        mails.append(
            _mail([referral.sender_email], subject, [*lines, "", f"Suivi : {_url('backoffice:referral', referral.pk)}"])
        )
    if _person_address(referral):
        person_lines = (
            [line]
            if accepted or referral.refusal_shown_to_person
            else [
                f"Le service « {offer.name} » ne peut pas donner suite à votre demande. "
                "Le conseiller qui vous a orienté(e) vous proposera une autre solution."
            ]
        )
        mails.append(
            _mail([_person_address(referral)], "Votre demande d’accompagnement : réponse du service", person_lines)
        )
    return mails


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Actor, message: str = "") -> None:
    referral = Referral.objects.select_for_update().select_related("offer", "receiver_organisation").get(pk=referral.pk)
    FLOW.require(referral, Referral.State.ACCEPTED, actor=actor)
    referral.answered_at = timezone.now()
    referral.answer_message = message.strip()
    # The service now contacts the person: its link still shows the request and the contact.
    referral.receiver_token_expires_at = referral.answered_at + timedelta(days=RECEIVER_LINK_DAYS)
    _move(referral, Referral.State.ACCEPTED, actor=actor, action="accepted", note=message.strip())
    send_after_commit(_answer_mails(referral, accepted=True))


@transaction.atomic
def referral_refuse(*, referral: Referral, actor: Actor, reason: str, shown_to_person: bool, message: str = "") -> None:
    referral = Referral.objects.select_for_update().select_related("offer", "receiver_organisation").get(pk=referral.pk)
    FLOW.require(referral, Referral.State.REFUSED, actor=actor)  # who, before what was sent
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": "Choisissez le motif du refus dans la liste."})
    referral.answered_at = timezone.now()
    referral.refusal_reason, referral.refusal_shown_to_person = reason, shown_to_person
    referral.answer_message = message.strip()
    referral.receiver_token_digest = ""
    _move(
        referral,
        Referral.State.REFUSED,
        actor=actor,
        action="refused",
        note=f"{referral.get_refusal_reason_display()}. {referral.answer_message}".strip(),
    )
    send_after_commit(_answer_mails(referral, accepted=False))


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
    send_after_commit([_receiver_mail(referral, link)])
    return True


def referral_by_expired_receiver_token(token: str) -> Referral | None:
    """An open referral whose secure link has expired (a new one may be sent to the service)."""
    if not token or len(token) > 100:
        return None
    return Referral.objects.open().filter(receiver_token_digest=token_digest(token)).first()


# The person ------------------------------------------------------------------------------


def referral_by_person_token(token: str) -> Referral | None:
    if not token or len(token) > 100:
        return None
    return (
        Referral.objects.select_related("offer", "offer__place", "receiver_organisation", "commune")
        .filter(person_token_digest=token_digest(token), anonymised_at__isnull=True)
        .first()
    )


def _erase_personal_data(referral: Referral) -> None:
    referral.first_name = referral.last_name = referral.email = referral.phone = ""
    referral.identifiers, referral.shared_fields = {}, []
    for attachment in referral.attachments.all():
        attachment.document.delete(save=False)
        attachment.delete()


@transaction.atomic
def referral_withdraw(*, referral: Referral) -> None:
    """The person withdraws: the referral ends and their personal data is erased from it."""
    referral = Referral.objects.select_for_update().select_related("offer", "receiver_organisation").get(pk=referral.pk)
    FLOW.require(referral, Referral.State.WITHDRAWN, actor=PERSON)  # nothing erased from a closed one
    receiver = referral.offer.referral_address
    _erase_personal_data(referral)
    referral.receiver_token_digest = ""
    TextMessage.objects.filter(referral=referral).delete()  # the number, and the way to the person's page
    if referral.interview_id:
        Interview.objects.filter(pk=referral.interview_id).update(
            first_name="", last_name="", email="", phone="", identifiers={}, consent_given=False
        )
    _move(
        referral,
        Referral.State.WITHDRAWN,
        actor=PERSON,
        action="withdrawn",
        note="La personne a retiré son accord ; ses données personnelles ont été effacées.",
    )
    _log_access(PERSON, "erase", referral=referral)
    text = f"La personne orientée vers « {referral.offer.name} » a retiré sa demande et son accord."
    mails = [
        _mail([receiver], "Une personne a retiré sa demande", [text, "Ses données personnelles ont été effacées."])
    ]
    if referral.sender_email:
        mails.append(_mail([referral.sender_email], "Une personne a retiré sa demande", [text]))
    send_after_commit(mails)


def person_data_export(referral: Referral) -> dict[str, Any]:
    """What the platform holds about the person in this referral, as they may ask for it."""
    _log_access(PERSON, "export", referral=referral)
    return {
        "orientation": referral.pk,
        "service": {"nom": referral.offer.name, "organisation": referral.receiver_organisation.name},
        "etat": referral.get_state_display(),
        "envoyee_le": referral.sent_at.isoformat(),
        "demande": {
            "public": referral.get_public_display(),
            "age": referral.get_age_band_display(),
            "situation": referral.get_situation_display(),
            "thematiques": [THEMES.get(theme, theme) for theme in referral.themes],
            "texte": referral.request,
            "commune": referral.commune.name if referral.commune else None,
        },
        "accord": {
            "texte": referral.consent_wording,
            "donne_le": referral.consent_at.isoformat() if referral.consent_at else None,
            "donnees_partagees": [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields],
        },
        "donnees_personnelles": {
            "prenom": referral.first_name,
            "nom": referral.last_name,
            "courriel": referral.email,
            "telephone": referral.phone,
            "identifiants": referral.identifiers,
        },
        "historique": [
            {"le": event.at.isoformat(), "action": event.action, "etat": event.to_state}
            for event in referral.events.all()
        ],
    }


# The staff reading a referral -----------------------------------------------------------


def referral_read(*, referral: Referral, actor: Actor) -> None:
    """Someone (a staff member, the service through its link) read a referral that carries
    personal data: logged, each time."""
    if referral.shared_fields:
        _log_access(actor, "read", referral=referral)


# The daily task --------------------------------------------------------------------------


def _expire(referral: Referral) -> None:
    referral.receiver_token_digest = ""
    _move(
        referral,
        Referral.State.EXPIRED,
        actor=SYSTEM,
        action="expired",
        note=f"Pas de réponse en {EXPIRY_DAYS} jours.",
    )
    mails = []
    if referral.sender_email:
        mails.append(
            _mail(
                [referral.sender_email],
                f"Orientation sans réponse : {referral.offer.name}",
                [
                    f"Le service « {referral.offer.name} » ({referral.receiver_organisation.name}) n’a pas répondu "
                    f"en {EXPIRY_DAYS} jours à la demande envoyée le {_day(referral.sent_at)} : elle a expiré.",
                    "Vous pouvez orienter la personne vers un autre service.",
                    "",
                    f"Suivi : {_url('backoffice:referral', referral.pk)}",
                ],
            )
        )
    if _person_address(referral):
        mails.append(
            _mail(
                [_person_address(referral)],
                "Votre demande d’accompagnement est restée sans réponse",
                [
                    f"Le service « {referral.offer.name} » n’a pas répondu : le conseiller qui vous a orienté(e) "
                    "en est informé et peut vous proposer un autre service."
                ],
            )
        )
    send_after_commit(mails)


@transaction.atomic
def referrals_run_daily(*, now: datetime | None = None) -> dict[str, int]:
    """Remind receivers on days 10 and 20, expire on day 30 (telling the sender), purge
    attachments 6 months after a referral is closed and anonymise personal fields 2 years
    after. Running it twice on a day does nothing more."""
    now = now or timezone.now()
    counts = {"reminders": 0, "expired": 0, "attachments_purged": 0, "anonymised": 0, "interviews_anonymised": 0}
    waiting = Referral.objects.open().select_for_update(of=("self",)).select_related("offer", "receiver_organisation")
    today = timezone.localdate(now)
    for referral in waiting.filter(sent_at__lte=now - timedelta(days=REMINDER_DAYS[0] - 1)):
        # Days are counted on the calendar: sent on 1 March, reminded on 11 March, expired on 31 March.
        age = (today - timezone.localdate(referral.sent_at)).days
        if age >= EXPIRY_DAYS:
            _expire(referral)
            counts["expired"] += 1
        elif referral.reminders_sent < sum(1 for day in REMINDER_DAYS if age >= day):
            referral.reminders_sent += 1
            link = _receiver_link(referral)  # the first link has expired after 8 days
            referral.save(update_fields=["reminders_sent", "receiver_token_digest", "receiver_token_expires_at"])
            Event.objects.create(
                referral=referral,
                at=now,
                actor=SYSTEM.label,
                action="reminded",
                note=f"Relance n° {referral.reminders_sent} (jour {age})",
            )
            send_after_commit([_receiver_mail(referral, link, reminder=referral.reminders_sent)])
            counts["reminders"] += 1
    closed = Referral.objects.filter(closed_at__isnull=False)
    for referral in closed.filter(
        closed_at__lte=now - timedelta(days=ATTACHMENTS_KEPT_DAYS), attachments_purged_at__isnull=True
    ):
        for attachment in referral.attachments.all():
            attachment.document.delete(save=False)
            attachment.delete()
        referral.attachments_purged_at = now
        referral.save(update_fields=["attachments_purged_at"])
        counts["attachments_purged"] += 1
    for referral in closed.filter(
        closed_at__lte=now - timedelta(days=PERSONAL_DATA_KEPT_DAYS), anonymised_at__isnull=True
    ):
        _erase_personal_data(referral)
        TextMessage.objects.filter(referral=referral).delete()
        referral.message = referral.request = referral.answer_message = ""
        referral.person_token_digest = ""
        referral.anonymised_at = now
        referral.save()
        _log_access(SYSTEM, "anonymise", referral=referral)
        counts["anonymised"] += 1
    limit = now - timedelta(days=PERSONAL_DATA_KEPT_DAYS)
    # An interview is anonymised once it is 2 years old and none of its referrals is open or
    # closed for less than 2 years.
    recent = Referral.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gt=limit)).values("interview_id")
    old = Interview.objects.filter(created_at__lte=limit, anonymised_at__isnull=True).exclude(pk__in=recent)
    counts["interviews_anonymised"] = old.update(
        first_name="", last_name="", email="", phone="", identifiers={}, request="", anonymised_at=now
    )
    TextMessage.objects.filter(created_at__lte=now - timedelta(days=ATTACHMENTS_KEPT_DAYS)).delete()
    logger.info("Orientations, tâche quotidienne : %s", ", ".join(f"{key} {value}" for key, value in counts.items()))
    return counts


# Service offers kept up to date ---------------------------------------------------------

OFFER_CHECK_DAYS = 183


@transaction.atomic
def offer_update(*, offer: ServiceOffer, by_user: User, fields: dict[str, Any]) -> ServiceOffer:
    """An organisation admin updates its offer: it becomes declared, and checked today."""
    offer = ServiceOffer.objects.editable_by(by_user).select_for_update().filter(pk=offer.pk).first()  # type: ignore[assignment]
    if offer is None:
        raise PermissionDenied("Cette offre n’est pas celle d’une organisation que vous administrez.")
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.origin = ServiceOffer.Origin.DECLARED
    offer.last_checked_at = timezone.now()
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_confirm(*, offer: ServiceOffer, by_user: User) -> None:
    """The organisation confirms its offer is up to date as it is."""
    if not ServiceOffer.objects.editable_by(by_user).filter(pk=offer.pk).exists():
        raise PermissionDenied("Cette offre n’est pas celle d’une organisation que vous administrez.")
    ServiceOffer.objects.filter(pk=offer.pk).update(last_checked_at=timezone.now())


@transaction.atomic
def offers_remind_checks(*, now: datetime | None = None) -> int:
    """Ask each organisation, once every 6 months, to confirm or update the offers not checked
    for 6 months. Returns the number of e-mails."""
    from orientation.accounts.selectors import emails, organisation_admins

    now = now or timezone.now()
    limit = now - timedelta(days=OFFER_CHECK_DAYS)
    stale = ServiceOffer.objects.filter(origin=ServiceOffer.Origin.DECLARED).exclude(last_checked_at__gt=limit)
    stale = stale.exclude(check_reminded_at__gt=limit)
    by_organisation: dict[int, list[ServiceOffer]] = {}
    for offer in stale.select_related("organisation"):
        by_organisation.setdefault(offer.organisation_id, []).append(offer)
    mails = []
    for organisation_id, offers in by_organisation.items():
        recipients = emails(organisation_admins({organisation_id})) or [offers[0].organisation.email]
        lines = ["Ces services n’ont pas été vérifiés depuis six mois :", ""]
        lines += [f"  - {offer.name} : {_url('backoffice:offer', offer.pk)}" for offer in offers]
        lines += ["", "Confirmez-les tels quels, ou mettez-les à jour : les conseillers qui orientent s’y fient."]
        mails.append(
            _mail([r for r in recipients if r], f"Vos services à vérifier ({offers[0].organisation.name})", lines)
        )
        ServiceOffer.objects.filter(pk__in=[offer.pk for offer in offers]).update(check_reminded_at=now)
    send_after_commit(mails)
    return len(mails)
