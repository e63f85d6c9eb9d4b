"""Reads of the interests questionnaire: the occupations proposed for a profile."""

from __future__ import annotations

from orientation.interests.scoring import Profile, Proposal, rank
from orientation.occupations.models import RomeFiche


def proposals_for(result: Profile, *, limit: int = 20) -> list[Proposal]:
    """The ROME fiches that agree best with the profile (``scoring.rank``), read in one query."""
    fiches = RomeFiche.objects.exclude(riasec_major="").values_list("code", "title", "riasec_major", "riasec_minor")
    return rank(result, fiches, limit=limit)
