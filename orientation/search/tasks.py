"""Background work of the search: rebuilding the index after an import run."""

from __future__ import annotations

from django_tasks import task

from orientation.search.services import search_index_rebuild


@task()
def rebuild_search_index() -> int:
    return search_index_rebuild()


def queue_rebuild() -> bool:
    """Queue a rebuild unless one is already waiting; True when queued."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=rebuild_search_index.module_path, status="READY").exists():
        return False
    rebuild_search_index.enqueue()
    return True
