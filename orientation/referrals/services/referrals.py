"""A referral's life: sent with what the person agreed to share (or received from a
partner platform), seen, accepted or refused by the service, withdrawn by the person.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.directory.models import ServiceOffer
from orientation.referrals import notifications
from orientation.referrals.models import (
    PERSONAL_FIELDS,
    Attachment,
    Event,
    Interview,
    Referral,
    RefusalReason,
    TextMessage,
    token_digest,
)
from orientation.referrals.rules import RECEIVER_LINK_DAYS
from orientation.referrals.services.flow import FLOW, PERSON, Actor, _log_access, _move
from orientation.referrals.services.links import Links, _person_token, _receiver_link
from orientation.utils.mail import send_after_commit, site_url
from orientation.utils.tasks import enqueue_after_commit


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
        # in the person's own space, if the address they consented to give is that of their space
        person_id=interview.person_id if interview.consent_given else None,
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
    person_link = site_url("www:referral_follow", person_token)
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
    mails = [notifications.receiver_mail(referral, receiver_link)]
    # The person hears of it by e-mail, or by an SMS prepared for the provider, if they gave one.
    if interview.consent_given and interview.email:
        mails.append(notifications.person_sent_mail(referral, person_link))
    if interview.consent_given and interview.phone:
        TextMessage.objects.create(
            phone=interview.phone,
            body=notifications.sms_text(referral, TextMessage.LINK_PLACEHOLDER),
            link_nonce=person_nonce,
            referral=referral,
        )
    send_after_commit(mails)
    _forward_if_partner(referral)
    return referral, Links(receiver=receiver_link, person=person_link)


def _forward_if_partner(referral: Referral) -> None:
    """A service received through another platform gets the referral there, after the commit."""
    partner = referral.receiver_organisation.partner_platforms.filter(active=True).exclude(endpoint_url="").first()
    if partner is None:
        return
    Referral.objects.filter(pk=referral.pk).update(partner=partner)
    enqueue_after_commit("referrals.forward", referral.pk)


@transaction.atomic
def referral_mark_seen(*, referral: Referral, actor: Actor) -> None:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    FLOW.check_actor(referral, Referral.State.SEEN, actor=actor)
    if referral.state != Referral.State.SENT:
        return
    referral.seen_at = timezone.now()
    _move(referral, Referral.State.SEEN, actor=actor, action="seen")


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Actor, message: str = "") -> None:
    referral = Referral.objects.select_for_update().select_related("offer", "receiver_organisation").get(pk=referral.pk)
    FLOW.require(referral, Referral.State.ACCEPTED, actor=actor)
    referral.answered_at = timezone.now()
    referral.answer_message = message.strip()
    # The service now contacts the person: its link still shows the request and the contact.
    referral.receiver_token_expires_at = referral.answered_at + timedelta(days=RECEIVER_LINK_DAYS)
    _move(referral, Referral.State.ACCEPTED, actor=actor, action="accepted", note=message.strip())
    send_after_commit(notifications.answer_mails(referral, accepted=True))


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
    send_after_commit(notifications.answer_mails(referral, accepted=False))


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
    send_after_commit(notifications.withdrawn_mails(referral, receiver_address=receiver))


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
            "thematiques": referral.theme_labels,
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


def referral_read(*, referral: Referral, actor: Actor) -> None:
    """Someone (a staff member, the service through its link) read a referral that carries
    personal data: logged, each time."""
    if referral.shared_fields:
        _log_access(actor, "read", referral=referral)
