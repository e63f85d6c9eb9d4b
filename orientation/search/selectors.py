"""Searching: the one entry point the portal, the API and the commands call."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path
from typing import Protocol

from django.conf import settings

from orientation.search.analysis import folded, query_words
from orientation.search.documents import SearchDocument
from orientation.search.models import Synonym
from orientation.search.postgres_backend import PostgresBackend
from orientation.search.query import SearchQuery, SearchResults
from orientation.search.tantivy_backend import TantivyBackend
from orientation.territories.geocoding import Geocoder
from orientation.utils.cache import cached


class SearchBackend(Protocol):
    """What an engine does; the contract tests in tests/search run on each."""

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int: ...

    def search(self, query: SearchQuery, synonyms: dict[str, list[str]] | None = None) -> SearchResults: ...

    def is_built(self) -> bool: ...


@memoize
def _backend(name: str, folder: str) -> SearchBackend:
    if name == "tantivy":
        return TantivyBackend(Path(folder) / "tantivy")
    if name == "postgres":
        return PostgresBackend()
    raise ValueError(f"SEARCH_BACKEND inconnu : {name!r} (attendu : tantivy ou postgres)")


def backend() -> SearchBackend:
    return _backend(settings.SEARCH_BACKEND, str(settings.SEARCH_INDEX_DIR))


SYNONYMS_CACHE_KEY = "search:synonyms"


def synonyms() -> dict[str, list[str]]:
    """The operators' synonyms, folded, cached for a minute."""
    return cached(
        SYNONYMS_CACHE_KEY,
        lambda: {
            folded(term): query_words(expansion) for term, expansion in Synonym.objects.values_list("term", "expansion")
        },
        60,
    )


def search(query: SearchQuery) -> SearchResults:
    return backend().search(query, synonyms=synonyms())


@dataclass(frozen=True)
class Location:
    #: what the geocoder reads back (« Blois (41) »: the value of the suggestions and the API)
    label: str
    latitude: float
    longitude: float
    #: what a heading says (« Blois (Loir-et-Cher) »: a department number reads like a count)
    title: str = ""
    #: the department's code (the audience counts searches by the department of the place searched)
    department: str = ""


#: a town typed by a person is looked up once an hour per process (data changes by import)
LOCATE_CACHE_SECONDS = 3600


def locate(where: str) -> Location | None:
    """A commune, postcode or INSEE code typed by a person, as a point (the commune's centre)."""
    text = " ".join((where or "").split())
    key = "search:locate:" + hashlib.sha256(text.lower().encode()).hexdigest()
    # An unknown place is cached too (as False: the cache cannot tell None from missing).
    found: Location | bool = cached(key, lambda: _locate(text) or False, LOCATE_CACHE_SECONDS)
    return found if isinstance(found, Location) else None


def _locate(text: str) -> Location | None:
    found = Geocoder().geocode(text)
    if found is None or found.latitude is None or found.longitude is None:
        return None
    commune = found.commune
    return Location(
        label=f"{commune.name} ({commune.department.code})",
        latitude=found.latitude,
        longitude=found.longitude,
        title=f"{commune.name} ({commune.department.name})",
        department=commune.department.code,
    )
