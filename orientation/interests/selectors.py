"""Reads of the interests questionnaire: the occupations proposed for a profile, filtered by
domain and by the level of study they need."""

from __future__ import annotations

from dataclasses import dataclass

from orientation.interests.scoring import FicheTypes, Profile, Proposal, rank
from orientation.occupations.levels import level_rank
from orientation.occupations.models import GrandDomaine, RomeFiche

#: « the level of study needed, at most »: (value, label, rank of the level) — Onisep's levels
LEVELS = [
    ("cap", "CAP ou équivalent", level_rank("CAP ou équivalent")),
    ("bac", "Bac ou équivalent", level_rank("Bac ou équivalent")),
    ("bac2", "Bac + 2", level_rank("Bac + 2")),
    ("bac3", "Bac + 3", level_rank("Bac + 3")),
    ("bac5", "Bac + 5", level_rank("Bac + 5")),
]
LEVEL_RANKS = {value: rank_ for value, _label, rank_ in LEVELS}


@dataclass(frozen=True)
class Proposals:
    proposals: list[Proposal]
    #: fiches left out by the level filter because no Onisep sheet says the level they need
    unknown_level: int = 0


def domain_choices() -> list[tuple[str, str]]:
    return list(GrandDomaine.objects.order_by("code").values_list("code", "label"))


def proposals_for(result: Profile, *, limit: int = 20, domain: str = "", level: str = "") -> Proposals:
    """The ROME fiches that agree best with the profile (``scoring.rank``), in a grand domain
    (its letter) and needing at most a level of study (``LEVELS``, from the fiches' Onisep
    sheets: their lowest « niveau minimum d'accès »). Two queries at most."""
    fiches = RomeFiche.objects.exclude(riasec_major="")
    if domain:
        fiches = fiches.filter(domaine__grand_domaine__code=domain)
    rows = fiches.values_list("pk", "code", "title", "riasec_major", "riasec_minor", "skill_riasec")
    unknown = 0
    if level in LEVEL_RANKS:
        needed: dict[int, int] = {}
        for pk, min_level in fiches.exclude(onisep_fiches=None).values_list("pk", "onisep_fiches__min_level"):
            if min_level:
                needed[pk] = min(needed.get(pk, 99), level_rank(min_level))
        kept = []
        for row in rows:
            if row[0] not in needed:
                unknown += 1
            elif needed[row[0]] <= LEVEL_RANKS[level]:
                kept.append(row)
        rows = kept  # type: ignore[assignment]
    types = [
        FicheTypes(
            code=code,
            title=title,
            major=major,
            minor=minor,
            skill_weights=(skills or {}).get("weights", {}),
            skill_examples=(skills or {}).get("examples", {}),
        )
        for _pk, code, title, major, minor, skills in rows
    ]
    return Proposals(rank(result, types, limit=limit), unknown)
