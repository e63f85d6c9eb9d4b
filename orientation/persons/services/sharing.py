"""Sharing the passport with an adviser, by the person's consent: chosen sections, one
organisation, a period; revocable at any moment. Every reading by an adviser is written down
and shown to the person; an adviser may propose an entry, which the person accepts or refuses."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.directory.models import Organisation
from orientation.persons import notifications
from orientation.persons.models import Entry, Reading, Section, Share
from orientation.persons.rules import EntryValues, check_entry
from orientation.persons.services.passport import _require_person, _resolve, skills_split
from orientation.referrals.models import Interview, Referral
from orientation.utils.mail import send_after_commit

#: how long a person may share for, in months
SHARE_MONTHS = (1, 3, 6, 12)


@transaction.atomic
def share_create(
    *, person: User, organisation: Organisation, sections: list[str], months: int = Share.DEFAULT_MONTHS
) -> tuple[Share, bool]:
    """The person opens ``sections`` of their passport to ``organisation`` for ``months``; the
    share, and whether it is new. One share an organisation: sharing again with an organisation
    that already reads the passport changes what it reads and until when (the form sent twice,
    or a person who adds a section), and its readings stay with it."""
    _require_person(person)
    errors: dict[str, str] = {}
    unknown = [name for name in sections if name not in Section.values]
    if not sections or unknown:
        errors["sections"] = (
            f"Rubriques inconnues : {', '.join(unknown)}."
            if unknown
            else "Choisissez au moins une rubrique à partager."
        )
    if months not in SHARE_MONTHS:
        errors["months"] = f"Durée : {', '.join(map(str, SHARE_MONTHS))} mois."
    if errors:
        raise ValidationError(errors)
    ordered = [name for name in Section.values if name in sections]
    expires_at = timezone.now() + timedelta(days=round(30.44 * months))
    User.objects.select_for_update().filter(pk=person.pk).first()  # one share at a time for a person
    current = Share.objects.active().filter(person=person, organisation=organisation).order_by("-pk").first()
    if current is not None:
        current.sections, current.expires_at = ordered, expires_at
        current.save(update_fields=["sections", "expires_at"])
        return current, False
    return Share.objects.create(person=person, organisation=organisation, sections=ordered, expires_at=expires_at), True


@transaction.atomic
def share_revoke(*, person: User, share: Share) -> Share:
    """The person withdraws a share: from now on no adviser reads it (a 404)."""
    _require_person(person)
    share = Share.objects.select_for_update().get(pk=share.pk, person=person)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def _reader_organisation(share: Share, reader: User) -> Organisation:
    """The organisation the adviser reads for: the one shared with, or the referral's receiver."""
    mine = organisation_ids(reader)
    if share.organisation_id in mine:
        return share.organisation
    if share.referral is not None and share.referral.receiver_organisation_id in mine:
        return share.referral.receiver_organisation
    raise PermissionDenied("Ce passeport n’est pas partagé avec votre organisation.")


def share_read(*, share: Share, reader: User, what: str = "passeport") -> Reading:
    """An adviser reads a shared passport (or one of its documents): written down for the person.
    ``share`` comes from ``Share.objects.readable_by(reader)``."""
    organisation = _reader_organisation(share, reader)
    return Reading.objects.create(
        share=share,
        reader=reader,
        reader_name=reader.get_full_name() or reader.username,
        organisation_name=organisation.name,
        what=what[:200],
    )


@transaction.atomic
def entry_propose(*, share: Share, adviser: User, section: str, values: EntryValues) -> Entry:
    """An adviser proposes an entry in a section the person shared; it joins the passport only
    when the person accepts it (``passport.proposal_answer``)."""
    organisation = _reader_organisation(share, adviser)
    if not share.is_active:
        raise PermissionDenied("Ce partage n’est plus actif.")
    if section not in share.sections:
        raise ValidationError({"section": "Cette rubrique n’est pas partagée avec vous."})
    if section == Section.INTERESTS:
        raise ValidationError({"section": "Le profil d’intérêts vient du questionnaire de la personne."})
    errors = check_entry(section, values, timezone.localdate())
    linked = _resolve(values, errors)
    if errors:
        raise ValidationError(errors)
    skills, free = skills_split(values.skills)
    entry = Entry.objects.create(
        person=share.person,
        section=section,
        kind=values.kind,
        title=values.title,
        organisation=values.organisation,
        place=values.place,
        started_on=values.started_on,
        ended_on=values.ended_on,
        due_on=values.due_on,
        done=values.done,
        hours=values.hours,
        description=values.description,
        rncp_code=values.rncp_code,
        study=linked.study,
        occupation=linked.occupation,
        free_skills=free,
        state=Entry.State.PROPOSED,
        proposed_by=adviser,
        proposed_by_organisation=organisation,
    )
    entry.skills.set(skills)
    if share.person.email:
        send_after_commit([notifications.proposal_mail(entry)])
    return entry


@transaction.atomic
def share_attach(
    *, share: Share, adviser: User, interview: Interview | None = None, referral: Referral | None = None
) -> Share:
    """An adviser attaches the passport the person shared to a first-level interview, or to a
    referral their organisation sent: the receiving service may then read it too, as long as the
    share lasts, each reading shown to the person."""
    share = Share.objects.select_for_update().select_related("organisation").get(pk=share.pk)
    if share.organisation_id not in organisation_ids(adviser) or not share.is_active:
        raise PermissionDenied("Ce passeport n’est pas partagé avec votre organisation.")
    if interview is not None:
        if interview.organisation_id != share.organisation_id:
            raise PermissionDenied("Cet entretien n’est pas celui de l’organisation du partage.")
        share.interview = interview
    if referral is not None:
        if referral.sender_organisation_id != share.organisation_id:
            raise PermissionDenied("Cette orientation n’a pas été envoyée par l’organisation du partage.")
        share.referral = referral
    share.save(update_fields=["interview", "referral"])
    return share
