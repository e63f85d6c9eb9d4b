"""What both engines decide the same way: when to try close spellings, which facets to
count, and how matches near a point are kept and ordered."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

from orientation.territories.geo import distance_km

T = TypeVar("T")

#: fewer matches than this for a single word: close spellings are searched too
FUZZY_BELOW = 3
FUZZY_MIN_LENGTH = 5
#: matches placed on the map in Python at most (a radius keeps far fewer)
DISTANCE_CANDIDATES = 5000
FACETS = ("kind", "department", "typology", "funder", "level", "work_study", "certifying", "public", "domaine")


def wants_fuzzy(words: list[str], total: int) -> bool:
    return total < FUZZY_BELOW and len(words) == 1 and len(words[0]) >= FUZZY_MIN_LENGTH


def page_near(
    candidates: Iterable[tuple[float | None, float | None, T]],
    *,
    point: tuple[float, float],
    radius_km: float | None,
    by_distance: bool,
    offset: int,
    page_size: int,
) -> tuple[list[T], int]:
    """The page of ``candidates`` (latitude, longitude, item, in relevance order) and their
    number once those beyond the radius are dropped (the engines filter on a box around
    the circle); by distance when asked, nearest first, relevance breaking ties."""
    located = []
    for rank, (latitude, longitude, item) in enumerate(candidates):
        distance = (
            distance_km(point[0], point[1], latitude, longitude)
            if latitude is not None and longitude is not None
            else math.inf
        )
        if radius_km and distance > radius_km:
            continue
        located.append((distance, rank, item))
    if by_distance:
        located.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _distance, _rank, item in located[offset : offset + page_size]], len(located)
