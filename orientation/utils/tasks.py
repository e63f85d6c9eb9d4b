"""Helpers on Django's task API (the django-tasks backport)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def enqueue_once(task: Any, *, run_after: datetime | None = None) -> bool:
    """Queue ``task`` (without arguments) unless it already waits in the queue; True when queued.

    A rebuild or a scheduler queued twice would only do the same work twice.
    """
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
        return False
    (task.using(run_after=run_after) if run_after else task).enqueue()
    return True
