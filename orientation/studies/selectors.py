"""Reads about studies: a study's page, the studies that lead to an occupation, and those
that prepare a certification."""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet

from orientation.occupations.models import OnisepFiche, RomeFiche
from orientation.studies.models import Study

#: « CAP ou équivalent » < « Bac ou équivalent » < « Bac + 1 » < … < « Bac + 9 et plus »
_BAC_PLUS = re.compile(r"bac\s*\+\s*(\d+)", re.IGNORECASE)


def level_rank(level: str) -> int:
    """Where a study's level (Onisep « niveau_etudes ») stands, to list the shortest studies
    first: a person sees what they can start from where they are. Unknown levels come last."""
    text = level.casefold()
    found = _BAC_PLUS.search(text)
    if found:
        return 20 + int(found.group(1))
    if text.startswith("bac"):
        return 20
    if text.startswith("cap"):
        return 11 if "+" in text else 10
    if text.startswith(("3e", "3ème", "fin de 3")):
        return 5
    return 99


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
