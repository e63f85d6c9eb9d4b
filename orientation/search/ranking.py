"""What both engines decide the same way: synonyms, when to try close spellings, which
facets to count, which page to show and how matches near a point are kept and ordered."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from orientation.search.analysis import folded, masculine
from orientation.search.query import MAX_PAGE_SIZE, SearchQuery, Sort
from orientation.territories.geo import planar_distance

T = TypeVar("T")

#: fewer matches than this: close spellings are searched too (then any of the words)
FUZZY_BELOW = 3
FUZZY_MIN_LENGTH = 5
#: from this length a word may be two letters off (« infirmiaire » for « infirmière »)
TWO_TYPOS_LENGTH = 8
#: matches placed on the map in Python at most (a radius keeps far fewer)
DISTANCE_CANDIDATES = 5000
FACETS = (
    "kind", "department", "typology", "funder", "level", "work_study", "certifying", "public", "domaine",
    "cpf", "modality", "start", "study_level", "study_kind",
)  # fmt: skip


def wants_fuzzy(words: list[str], total: int) -> bool:
    """Too few matches for what was typed: a word may be misspelt, or one word too many. Several
    words that found something found what they say (« community manager »): only a single word
    with fewer than FUZZY_BELOW matches, or several words with none, are tried again."""
    below = FUZZY_BELOW if len(words) == 1 else 1
    return total < below and any(len(word) >= FUZZY_MIN_LENGTH for word in words)


def spelling_distance(word: str) -> int:
    """How many letters a word typed may be off: none when short, one, two from 8 letters."""
    if len(word) < FUZZY_MIN_LENGTH:
        return 0
    return 2 if len(word) >= TWO_TYPOS_LENGTH else 1


@dataclass(frozen=True)
class Relaxation:
    #: every word must match (else any of them, the best matching most)
    every_word: bool
    #: the words that may be a close spelling of an indexed word (the others as typed)
    misspelt: frozenset[str]


def relaxations(
    words: list[str], total: int, *, unknown: set[str] | None = None, near: bool = False
) -> list[Relaxation]:
    """What both engines try, in order, when a query finds too little: every word, the misspelt
    ones with close spellings; then, for several words and no place, any of them (« fleuriste
    mariage » finds the florist; near a town, nothing found nearby is an answer, not a typo).

    ``unknown``: the words no document holds, when the engine can tell (a word that is indexed
    is not searched as a close spelling: that costs, and finds what it was not). None: any word
    long enough may be misspelt."""
    if not wants_fuzzy(words, total):
        return []
    # A single word that finds so little may be misspelt even if indexed (« plombie » stems as
    # « plomb »); among several, only those no document holds are.
    misspelt = frozenset(
        word for word in words if spelling_distance(word) and (unknown is None or len(words) == 1 or word in unknown)
    )
    steps = [Relaxation(every_word=True, misspelt=misspelt)] if misspelt else []
    if len(words) > 1 and not near:
        steps.append(Relaxation(every_word=False, misspelt=misspelt))
    return steps


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
    distance_from = planar_distance(point[0], point[1])
    for rank, (latitude, longitude, item) in enumerate(candidates):
        distance = distance_from(latitude, longitude) if latitude is not None and longitude is not None else math.inf
        if radius_km and distance > radius_km:
            continue
        located.append((distance, rank, item))
    if by_distance:
        located.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _distance, _rank, item in located[offset : offset + page_size]], len(located)


def expanded(words: list[str], synonyms: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Each query word with the words it stands for in the operators' synonyms (often none),
    else with its masculine when it is a feminine job-title word (documents index both)."""
    answer = []
    for word in words:
        alternative = synonyms.get(folded(word), [])
        if not alternative and (form := masculine(word)) != word:
            alternative = [form]
        answer.append((word, alternative))
    return answer


def facet_counts(
    buckets: Iterable[tuple[str, int]], wanted: tuple[str, ...] | None = None
) -> dict[str, dict[str, int]]:
    """facet → value → count, from the ("facet:value", count) pairs an engine counted;
    only the ``wanted`` facets when the query names them."""
    names = FACETS if wanted is None else wanted
    facets: dict[str, dict[str, int]] = {}
    for tag, count in buckets:
        facet, _, value = tag.partition(":")
        if facet in names:
            facets.setdefault(facet, {})[value] = int(count)
    return facets


def choose_page(
    query: SearchQuery,
    total: int,
    *,
    candidates: Callable[[int], Iterable[tuple[float | None, float | None, T]]],
    ranked: Callable[[int, int], list[T]],
) -> tuple[list[T], int]:
    """The page of results and the total, for either engine.

    ``ranked(offset, limit)`` is a page in the query's order (relevance, or the next session's
    start with Sort.START); ``candidates(limit)`` the first matches in that order with their
    coordinates, used when a point asks for an exact radius or for the nearest first.
    """
    page_size = max(0, min(query.page_size, MAX_PAGE_SIZE))
    offset = (max(query.page, 1) - 1) * page_size
    point = query.point
    by_distance = query.sort == Sort.DISTANCE and point is not None
    within_radius = point is not None and bool(query.radius_km) and total <= DISTANCE_CANDIDATES
    if point is None or not (by_distance or within_radius):
        return ranked(offset, page_size), total
    page, kept = page_near(
        candidates(max(1, min(total, DISTANCE_CANDIDATES))),
        point=point,
        radius_km=query.radius_km if within_radius else None,
        by_distance=by_distance,
        offset=offset,
        page_size=page_size,
    )
    return page, kept if within_radius else total


#: words by which a person says they look for a training, not an occupation (folded)
TRAINING_WORDS = frozenset(
    {
        "formation", "formations", "former", "diplome", "diplomes", "bts", "cap", "bac", "bep", "but", "dut",
        "licence", "master", "titre", "cqp", "certificat", "certification", "alternance", "apprentissage",
        "stage", "cours", "ecole", "cpf", "vae",
    }
)  # fmt: skip


def asks_for_training(words: list[str]) -> bool:
    """Whether the query names a training (« bts compta », « diplôme cuisine »): the portal then
    opens on the trainings when some match, even if an occupation does too."""
    return any(folded(word) in TRAINING_WORDS for word in words)
