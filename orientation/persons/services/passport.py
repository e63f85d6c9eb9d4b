"""Writes of the passport by its owner: an entry added, changed or removed, a document attached,
a followed training, the interests profile kept, an adviser's proposal accepted or refused."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.occupations.models import RomeFiche, Skill
from orientation.persons.models import Entry, EntryAttachment, ProjectKind, Section
from orientation.persons.rules import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    ATTACHMENTS_PER_ENTRY,
    WITH_DOCUMENTS,
    EntryValues,
    check_entry,
)
from orientation.studies.models import Study
from orientation.trainings.models import Action


def _require_person(person: User) -> None:
    if not (person.is_authenticated and person.is_person and person.is_active):
        raise PermissionDenied("Seule la personne elle-même écrit dans son passeport.")


def skills_split(labels: list[str]) -> tuple[list[Skill], list[str]]:
    """The ROME skills named exactly (the suggestions give their labels; the case may differ),
    and the rest in the person's own words, each once, in the order given."""
    wanted = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    exact = {skill.label: skill for skill in Skill.objects.filter(label__in=wanted)}
    skills: list[Skill] = []
    free: list[str] = []
    for label in wanted:
        skill = exact.get(label) or Skill.objects.filter(label__iexact=label).order_by("code").first()
        if skill is None:
            free.append(label)
        elif skill not in skills:
            skills.append(skill)
    return skills, free


@dataclass
class Linked:
    study: Study | None = None
    occupation: RomeFiche | None = None
    action: Action | None = None


def _resolve(values: EntryValues, errors: dict[str, str], *, strict: bool = True) -> Linked:
    """The catalogue rows an entry points to: an Onisep study, a ROME fiche, a training action.
    Not ``strict`` (an import from another platform), an unknown one is left unlinked."""
    linked = Linked()
    if values.study:
        study = Study.objects.open().filter(identifier=values.study.strip()).first()
        if study is None:
            study = Study.objects.open().filter(title__iexact=values.study.strip()).order_by("identifier").first()
        if study is None and strict:
            errors["study"] = f"Formation Onisep : « {values.study[:60]} » est inconnue ; choisissez-la dans la liste."
        elif study is not None:
            linked.study = study
            values.rncp_code = values.rncp_code or (f"RNCP{study.rncp_code}" if study.rncp_code else "")
            values.title = values.title or study.title
    if values.occupation:
        code = values.occupation.strip().upper()[:5]
        fiche = RomeFiche.objects.filter(code=code).first()
        if fiche is None and strict:
            errors["occupation"] = (
                f"Métier : code ROME inconnu « {values.occupation[:20]} » (une lettre et 4 chiffres)."
            )
        elif fiche is not None:
            linked.occupation = fiche
            values.title = values.title or fiche.title
    if values.action is not None:
        linked.action = Action.objects.filter(pk=values.action).select_related("formation").first()
    return linked


@transaction.atomic
def entry_save(
    *, person: User, section: str, values: EntryValues, entry: Entry | None = None, strict: bool = True
) -> Entry:
    """Add an entry to the person's passport, or change one of theirs; every field checked, and
    nothing written when one is refused."""
    _require_person(person)
    if entry is not None:
        entry = Entry.objects.select_for_update().get(pk=entry.pk, person=person, state=Entry.State.ACCEPTED)
        section = entry.section
    errors = check_entry(section, values, timezone.localdate())
    linked = _resolve(values, errors, strict=strict)
    if section == Section.PROJECT and values.kind == ProjectKind.OCCUPATION and not linked.occupation and strict:
        errors.setdefault("occupation", "Métier : choisissez un métier de la liste (sa fiche).")
    if errors:
        raise ValidationError(errors)
    skills, free = skills_split(values.skills)
    entry = entry or Entry(person=person, section=section)
    for name in ("title", "kind", "organisation", "place", "started_on", "ended_on", "due_on", "done", "hours"):
        setattr(entry, name, getattr(values, name))
    entry.description = values.description
    entry.rncp_code = values.rncp_code
    entry.study = linked.study
    entry.occupation = linked.occupation
    entry.action = linked.action or entry.action
    entry.free_skills = free
    if values.data:
        entry.data = values.data
    entry.save()
    entry.skills.set(skills)
    return entry


@transaction.atomic
def entry_delete(*, person: User, entry: Entry) -> None:
    _require_person(person)
    entry = Entry.objects.select_for_update().get(pk=entry.pk, person=person)
    files = [attachment.document for attachment in entry.attachments.all()]
    entry.delete()
    transaction.on_commit(lambda: [document.delete(save=False) for document in files])


def training_followed(*, person: User, action: Action) -> Entry:
    """« J'ai suivi cette formation »: an entry of the trainings section from the training's page."""
    formation = action.formation
    values = EntryValues(
        title=formation.title[:200],
        organisation=(action.provider or formation.provider).name[:200],
        place=action.city[:200],
        hours=action.hours_total if action.hours_total and action.hours_total <= 10_000 else None,
        rncp_code=(formation.rncp_codes or [""])[0],
        action=action.pk,
    )
    return entry_save(person=person, section=Section.TRAININGS, values=values)


def interests_keep(*, person: User, code: str, scores: dict[str, float], answers: str) -> Entry:
    """The questionnaire's profile, kept in the passport because the person asked: one at a
    time, the newest replacing the former."""
    _require_person(person)
    title = f"Profil d’intérêts {code}" if code else "Profil d’intérêts sans type dominant"
    with transaction.atomic():
        Entry.objects.filter(person=person, section=Section.INTERESTS).delete()
        return entry_save(
            person=person,
            section=Section.INTERESTS,
            values=EntryValues(title=title, data={"code": code, "scores": scores, "answers": answers}),
        )


def _sniffed_type(head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""


def attachment_check(name: str, size: int, head: bytes) -> str:
    """The document's type read from its first bytes (not from its name), or a refusal."""
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"document": f"Document « {name[:60]} » : {ATTACHMENT_MAX_BYTES // (1024 * 1024)} Mo au plus."}
        )
    if size == 0:
        raise ValidationError({"document": f"Document « {name[:60]} » : le fichier est vide."})
    content_type = _sniffed_type(head)
    if content_type not in ATTACHMENT_TYPES:
        accepted = ", ".join(ATTACHMENT_TYPES.values())
        raise ValidationError({"document": f"Document « {name[:60]} » : formats acceptés {accepted}."})
    return content_type


@transaction.atomic
def entry_attach(*, person: User, entry: Entry, name: str, content: IO[bytes], size: int) -> EntryAttachment:
    """A document attached to one of the person's entries, stored under a random name outside the
    web root; its type read from its content."""
    _require_person(person)
    entry = Entry.objects.select_for_update().get(pk=entry.pk, person=person, state=Entry.State.ACCEPTED)
    if entry.section not in WITH_DOCUMENTS:
        raise ValidationError({"document": "Cette rubrique ne prend pas de document."})
    if entry.attachments.count() >= ATTACHMENTS_PER_ENTRY:
        raise ValidationError({"document": f"{ATTACHMENTS_PER_ENTRY} documents au plus par ligne."})
    head = content.read(16)
    content.seek(0)
    content_type = attachment_check(name, size, head)
    clean_name = "".join(character for character in name if character.isprintable())[-150:] or "document"
    extension = mimetypes.guess_extension(content_type) or ""
    if not clean_name.lower().endswith(extension):
        clean_name += extension
    attachment = EntryAttachment(entry=entry, name=clean_name, content_type=content_type, size=size)
    attachment.document.save(clean_name, File(content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.document.delete(save=False)  # no row, no file
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, person: User, attachment: EntryAttachment) -> None:
    _require_person(person)
    attachment = EntryAttachment.objects.select_for_update().get(pk=attachment.pk, entry__person=person)
    document = attachment.document
    attachment.delete()
    transaction.on_commit(lambda: document.delete(save=False))


@transaction.atomic
def proposal_answer(*, person: User, entry: Entry, accept: bool) -> Entry:
    """The person accepts an adviser's proposal (it joins the passport) or refuses it."""
    _require_person(person)
    entry = Entry.objects.select_for_update().get(pk=entry.pk, person=person)
    if entry.state != Entry.State.PROPOSED:
        return entry  # answered already (a form sent twice)
    entry.state = Entry.State.ACCEPTED if accept else Entry.State.REFUSED
    entry.answered_at = timezone.now()
    entry.save(update_fields=["state", "answered_at", "updated_at"])
    return entry
