"""The one query API of the search, whatever the engine behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    OCCUPATION = "occupation"
    TRAINING = "training"
    PLACE = "place"
    #: initial education (the Onisep Idéo formations)
    STUDY = "study"


#: kinds whose documents are nowhere in particular: counted and searched without the place
UNLOCATED = frozenset({Kind.OCCUPATION, Kind.STUDY})


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    #: trainings whose next session starts soonest first (those without a date last)
    START = "start"


MAX_PAGE_SIZE = 100
#: how far around a town or a position the portal and the API look by default
DEFAULT_RADIUS_KM = 30


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: Kind | None = None
    #: exact filters on tags: {"department": "41", "funder": "10"}
    filters: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    #: 0: only the total and the facets
    page_size: int = 20
    #: the facets to count (None: every one); counting is the dearest part of a search
    facets: tuple[str, ...] | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass
class Hit:
    kind: Kind
    #: the ROME code of an occupation, the id of a training action or of a place, the Onisep
    #: identifier of a study
    key: str
    title: str
    subtitle: str
    #: an extract with the matched words in <b>…</b> (HTML-escaped otherwise)
    highlight: str
    score: float
    distance_km: float | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SearchResults:
    query: SearchQuery
    total: int
    hits: list[Hit]
    #: facet → value → count, over every match (not only this page)
    facets: dict[str, dict[str, int]]
    #: the words were not found as typed; close spellings were searched
    fuzzy: bool = False
