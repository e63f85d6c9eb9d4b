"""A passport document (``passport-v1.json``) imported into the person's account: from another
account of this platform or from another platform. Refused whole, naming each field, when any
part of it is wrong; nothing is written then."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.persons.documents import parse
from orientation.persons.models import Entry, EntryAttachment, Section
from orientation.persons.rules import check_entry
from orientation.persons.services.passport import _require_person, _resolve, entry_save
from orientation.utils.documents import Problem


class DocumentRefused(Exception):
    """The document breaks the schema or the passport's rules: every problem named."""

    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(map(str, found)))
        self.problems = found


@transaction.atomic
def passport_import(*, person: User, document: Any, replace: bool = False) -> int:
    """Add the document's entries to the person's passport (or replace the passport by them);
    returns how many entries were written. Links to an Onisep formation or a ROME fiche this
    platform does not know are left out, the titles kept."""
    _require_person(person)
    entries, found = parse(document)
    today = timezone.localdate()
    for section, path, values in entries:
        errors = check_entry(section, values, today)
        _resolve(values, errors, strict=False)
        found += [Problem(f"{path}/{field}", reason) for field, reason in errors.items()]
    if found:
        raise DocumentRefused(found)
    if replace:
        files = [a.document for a in EntryAttachment.objects.filter(entry__person=person)]
        Entry.objects.filter(person=person).exclude(state=Entry.State.PROPOSED).delete()
        transaction.on_commit(lambda: [document.delete(save=False) for document in files])
    if not replace and any(section == Section.INTERESTS for section, _path, _values in entries):
        Entry.objects.filter(person=person, section=Section.INTERESTS).delete()  # one profile at a time
    for section, path, values in entries:
        try:
            entry_save(person=person, section=section, values=values, strict=False)
        except ValidationError as error:  # checked above; said with its path all the same
            raise DocumentRefused(
                [Problem(f"{path}/{field}", "; ".join(reasons)) for field, reasons in error.message_dict.items()]
            ) from None
    return len(entries)
