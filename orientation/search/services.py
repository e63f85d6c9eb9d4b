"""Keeping the search index in step with the database."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from orientation.search.documents import all_documents
from orientation.search.models import Synonym
from orientation.search.publication import index_publish
from orientation.search.selectors import SYNONYMS_CACHE_KEY, backend
from orientation.search.tantivy_backend import TantivyBackend
from orientation.utils.cache import forget


def search_index_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Index the whole catalogue anew; searches keep using the old index until it is ready.
    With ``SEARCH_INDEX_SHARED``, the new Tantivy index is published for every web host."""
    engine = backend()
    count = engine.rebuild(all_documents(), progress=progress)
    if settings.SEARCH_INDEX_SHARED and isinstance(engine, TantivyBackend):
        index_publish(engine.folder)
    return count


def synonym_save(*, term: str, expansion: str) -> Synonym:
    """Add or change a synonym; searches use it within a minute (at once in this process)."""
    synonym, _created = Synonym.objects.update_or_create(term=term.strip().lower(), defaults={"expansion": expansion})
    forget(SYNONYMS_CACHE_KEY)
    return synonym
