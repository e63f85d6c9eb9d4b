"""Reads about studies: a study's page, the studies that lead to an occupation, and those
that prepare a certification."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orientation.occupations.levels import level_rank
from orientation.occupations.models import OnisepFiche, RomeFiche
from orientation.studies.models import Study


def study_detail(identifier: str) -> Study | None:
    """An open study with the occupations it leads to (Onisep sheets and their ROME fiches)."""
    return (
        Study.objects.open()
        .prefetch_related(
            Prefetch(
                "onisep_fiches",
                queryset=OnisepFiche.objects.order_by("name").prefetch_related(
                    Prefetch("rome_fiches", queryset=RomeFiche.objects.only("code", "title").order_by("code"))
                ),
            )
        )
        .filter(identifier=identifier)
        .first()
    )


def studies_for_occupation(code: str) -> QuerySet[Study]:
    """The open studies that lead to a ROME fiche (through the Onisep sheets linked to it)."""
    return Study.objects.open().filter(onisep_fiches__rome_fiches__code=code).distinct()


def by_level(studies: QuerySet[Study], limit: int) -> list[Study]:
    """The studies, shortest first, then by title; at most ``limit``."""
    rows = list(studies.only("identifier", "title", "kind", "level", "duration"))
    rows.sort(key=lambda study: (level_rank(study.level), study.title.casefold(), study.identifier))
    return rows[:limit]


def studies_preparing(rncp_codes: list[str]) -> list[Study]:
    """The open studies that prepare one of these RNCP certifications (codes with or
    without « RNCP »)."""
    digits = {"".join(ch for ch in code if ch.isdigit()) for code in rncp_codes} - {""}
    if not digits:
        return []
    return list(Study.objects.open().filter(rncp_code__in=digits).only("identifier", "title", "kind", "level"))
