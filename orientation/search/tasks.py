"""Background work of the search: rebuilding the index once the catalogue changed (an import
run, a back-office edit: ``utils.signals.catalogue_changed``)."""

from __future__ import annotations

from django_tasks import task

from orientation.search.services import search_index_rebuild
from orientation.utils.tasks import enqueue_once, queued_as


@task()
def rebuild_search_index() -> int:
    return search_index_rebuild()


@queued_as("search.rebuild", queue="")
def queue_rebuild() -> bool:
    """Queue a rebuild unless one is already waiting; True when queued."""
    return enqueue_once(rebuild_search_index)


def rebuild_on_catalogue_change(sender: object, *, source: str, **_kwargs: object) -> None:
    """The receiver of ``catalogue_changed`` (connected in ``SearchConfig.ready``)."""
    queue_rebuild()
