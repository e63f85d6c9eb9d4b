"""Reads of occupations for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from orientation.occupations.models import DomaineProfessionnel, FicheSkill, GrandDomaine, RomeFiche, Skill


def occupation_detail(code: str) -> RomeFiche | None:
    """A ROME fiche with everything its page shows, or None."""
    return RomeFiche.objects.with_page_relations().filter(code=code.upper()).first()


def similar_occupations(fiche: RomeFiche, limit: int = 6) -> list[RomeFiche]:
    """Fiches of the same domain that are not already among its mobility links."""
    if fiche.domaine_id is None:
        return []
    linked = [link.target_id for link in fiche.mobility_links.all()]
    return list(
        RomeFiche.objects.filter(domaine_id=fiche.domaine_id)
        .exclude(pk__in=[fiche.pk, *linked])
        .only("code", "title")
        .order_by("code")[:limit]
    )


@dataclass(frozen=True)
class SkillGroup:
    kind: str
    label: str
    core: list[str]
    others: list[str]

    @property
    def count(self) -> int:
        return len(self.core) + len(self.others)


def skill_groups(fiche: RomeFiche) -> list[SkillGroup]:
    """The fiche's skills by kind, core ones first (uses the prefetched links)."""
    by_kind: dict[str, tuple[list[str], list[str]]] = {kind: ([], []) for kind in Skill.Kind.values}
    for link in fiche.skill_links.all():
        core, others = by_kind[link.skill.kind]
        (core if link.importance == FicheSkill.Importance.CORE else others).append(link.skill.label)
    return [
        SkillGroup(kind, str(Skill.Kind(kind).label), core, others)
        for kind, (core, others) in by_kind.items()
        if core or others
    ]


def grand_domaines_with_counts() -> list[GrandDomaine]:
    return list(GrandDomaine.objects.annotate(fiche_count=Count("domaines__fiches")).order_by("code"))


def domaines_with_fiches(grand_domaine: str | None = None) -> list[DomaineProfessionnel]:
    domaines = DomaineProfessionnel.objects.select_related("grand_domaine").prefetch_related(
        Prefetch("fiches", queryset=RomeFiche.objects.only("code", "title", "domaine_id").order_by("title"))
    )
    if grand_domaine:
        domaines = domaines.filter(grand_domaine__code=grand_domaine.upper())
    return list(domaines.order_by("code"))
