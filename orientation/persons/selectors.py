"""Reads of the person's space: their passport by section, the proposals waiting for them, their
shares and who read them, their referrals; the suggestions of skills and studies as they type;
and, for an adviser, a passport shared with them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from orientation.accounts.models import User
from orientation.occupations.models import Skill
from orientation.persons.documents import passport_entries
from orientation.persons.models import Entry, Reading, SavedItem, SavedSearch, Section, Share
from orientation.persons.rules import SECTION_HINTS
from orientation.referrals.models import Referral
from orientation.studies.models import Study


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


def skill_suggestions(text: str, limit: int = 10) -> list[str]:
    """ROME skills whose label holds what is typed, those that start with it first."""
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return []
    starting = list(
        Skill.objects.filter(label__istartswith=text).order_by("label").values_list("label", flat=True)[:limit]
    )
    if len(starting) < limit:
        holding = Skill.objects.filter(label__icontains=text).exclude(label__istartswith=text)
        starting += list(holding.order_by("label").values_list("label", flat=True)[: limit - len(starting)])
    return list(dict.fromkeys(starting))


def study_suggestions(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """Onisep formations whose title holds what is typed: (identifier, title)."""
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return []
    rows = Study.objects.open().filter(title__icontains=text).order_by("title")
    return list(rows.values_list("identifier", "title")[:limit])


def readable_share(user: User, pk: int) -> Share | None:
    """A share the adviser may read (``Share.objects.readable_by``), with what the page shows."""
    return (
        Share.objects.readable_by(user)
        .select_related("person", "organisation", "referral__receiver_organisation")
        .filter(pk=pk)
        .first()
    )
