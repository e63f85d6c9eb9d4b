"""Reads of the person's space: their passport by section, the proposals waiting for them, their
shares and who read them, their referrals; the suggestions of skills, studies, occupations and
organisations as they type;
and, for an adviser, a passport shared with them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from orientation.accounts.models import User
from orientation.directory.models import Organisation
from orientation.occupations.models import Appellation, RomeFiche, Skill
from orientation.persons.documents import passport_entries
from orientation.persons.models import Entry, Reading, SavedItem, SavedSearch, Section, Share
from orientation.persons.rules import SECTION_HINTS
from orientation.referrals.models import Referral
from orientation.studies.models import Study
from orientation.utils.text import fold_accents


@dataclass
class PassportSection:
    section: Section
    hint: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.section.value

    @property
    def label(self) -> str:
        return str(self.section.label)


def passport_sections(person: User, sections: list[str] | None = None) -> list[PassportSection]:
    """The passport in the law's order, each section with its entries (an empty one too, unless
    only some ``sections`` are asked)."""
    by_section: dict[str, list[Entry]] = {}
    for entry in passport_entries(person, sections):
        by_section.setdefault(entry.section, []).append(entry)
    return [
        PassportSection(section, SECTION_HINTS[section], by_section.get(section.value, []))
        for section in Section
        if sections is None or section.value in sections
    ]


def proposals_for(person: User) -> QuerySet[Entry]:
    return (
        Entry.objects.proposed_to(person)
        .select_related("proposed_by", "proposed_by_organisation", "study", "occupation")
        .prefetch_related("skills")
        .order_by("created_at", "pk")
    )


def shares_of(person: User) -> QuerySet[Share]:
    """The person's shares, the active first, each with who read it."""
    return (
        Share.objects.filter(person=person)
        .select_related("organisation", "referral__receiver_organisation", "interview")
        .prefetch_related(Prefetch("readings", queryset=Reading.objects.order_by("-at", "-pk")))
        .order_by("revoked_at", "-created_at")
    )


def referrals_of(person: User) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(person=person)
        .select_related("offer", "receiver_organisation", "sender_organisation", "offer__place")
        .order_by("-sent_at", "-pk")
    )


def saved_items_of(person: User) -> QuerySet[SavedItem]:
    return SavedItem.objects.filter(person=person).order_by("kind", "-saved_at")


def saved_searches_of(person: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(person=person)


# -- suggestions as one types --------------------------------------------------------------
#
# A person types on a phone, often without accents (« securite », « preparations »): the words
# typed are matched, accents and case aside, against the start of the label's words, in any
# order. The vocabularies (ROME skills, fiches and appellations, open studies) are read once per
# process and read again when their table changes (its row count and highest key) or after
# ``VOCABULARY_SECONDS``.

VOCABULARY_SECONDS = 600


def _folded(text: str) -> str:
    return " ".join(
        fold_accents(text).lower().replace("’", " ").replace("'", " ").replace("-", " ").replace("/", " ").split()
    )


@dataclass(frozen=True)
class _Vocabulary:
    fingerprint: tuple[Any, ...]
    read_at: float
    #: (folded label, its words, value, label)
    items: list[tuple[str, frozenset[str], str, str]]


_VOCABULARIES: dict[str, _Vocabulary] = {}


def forget_vocabularies() -> None:
    """Read the vocabularies again at the next suggestion (a table's rows replaced by as many
    under the same keys keeps its fingerprint)."""
    _VOCABULARIES.clear()


def _vocabulary(name: str, rows: QuerySet[Any], pairs: Callable[[], Iterable[tuple[str, str]]]) -> _Vocabulary:
    fingerprint = tuple(rows.aggregate(count=Count("pk"), last=Max("pk")).values())
    known = _VOCABULARIES.get(name)
    if known and known.fingerprint == fingerprint and time.monotonic() - known.read_at < VOCABULARY_SECONDS:
        return known
    items = []
    for value, label in pairs():
        folded = _folded(label)
        items.append((folded, frozenset(folded.split()), value, label))
    _VOCABULARIES[name] = vocabulary = _Vocabulary(fingerprint, time.monotonic(), items)
    return vocabulary


def _suggest(vocabulary: _Vocabulary, text: str, limit: int) -> list[tuple[str, str]]:
    """(value, label) of the entries whose words start with each word typed: those whose label
    starts with what is typed first, then those that start with its first word, then the
    shortest (the closest to what is typed)."""
    wanted = _folded(text)[:100]
    if len(wanted) < 2:
        return []
    words = wanted.split()
    found: list[tuple[bool, bool, int, str, str, str]] = []
    for folded, label_words, value, label in vocabulary.items:
        if not all(typed in folded for typed in words):  # cheap, and true of most that match
            continue
        if folded.startswith(wanted) or all(any(word.startswith(typed) for word in label_words) for typed in words):
            found.append(
                (not folded.startswith(wanted), not folded.startswith(words[0]), len(folded), folded, value, label)
            )
    found.sort()
    return list(dict.fromkeys((value, label) for *_rank, value, label in found))[:limit]


def skill_suggestions(text: str, limit: int = 10) -> list[str]:
    """ROME skills matching what is typed (their label)."""
    skills = Skill.objects.all()
    vocabulary = _vocabulary(
        "skills", skills, lambda: ((label, label) for label in skills.values_list("label", flat=True))
    )
    return list(dict.fromkeys(value for value, _label in _suggest(vocabulary, text, limit)))


def study_suggestions(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """Open Onisep formations matching what is typed: (identifier, title)."""
    studies = Study.objects.open()
    vocabulary = _vocabulary("studies", studies, lambda: studies.values_list("identifier", "title"))
    return _suggest(vocabulary, text, limit)


def occupation_suggestions(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """ROME fiches whose title or one of whose appellations matches what is typed:
    (« code — title », code), each fiche once."""
    appellations = Appellation.objects.all()

    def pairs() -> Iterator[tuple[str, str]]:
        for code, title in RomeFiche.objects.values_list("code", "title"):
            yield f"{code} — {title}", title
        for code, label in appellations.values_list("fiche__code", "label"):
            yield f"{code} — {label}", label

    vocabulary = _vocabulary("occupations", appellations, pairs)
    found: dict[str, str] = {}
    for value, _label in _suggest(vocabulary, text, limit * 3):
        found.setdefault(value[:5], value)
    return [(value, code) for code, value in list(found.items())[:limit]]


def sharing_organisations(text: str, limit: int = 20) -> list[Organisation]:
    """Organisations that have advisers on the platform, matching what is typed as the other
    suggestions do (accents and case ignored, each word the start of a word of the name); the one
    whose name is exactly what is typed alone, when there is one."""
    rows = Organisation.objects.filter(memberships__isnull=False).distinct()
    vocabulary = _vocabulary(
        "organisations", rows, lambda: ((str(pk), name) for pk, name in rows.values_list("pk", "name"))
    )
    wanted = _folded(text)
    found = _suggest(vocabulary, text, limit)
    exact = [pk for pk, name in found if _folded(name) == wanted]
    keys = [int(pk) for pk, _name in found] if len(exact) != 1 else [int(exact[0])]
    by_pk = Organisation.objects.in_bulk(keys)
    return [by_pk[pk] for pk in keys if pk in by_pk]


def readable_share(user: User, pk: int) -> Share | None:
    """A share the adviser may read (``Share.objects.readable_by``), with what the page shows."""
    return (
        Share.objects.readable_by(user)
        .select_related("person", "organisation", "referral__receiver_organisation")
        .filter(pk=pk)
        .first()
    )
