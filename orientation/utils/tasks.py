"""Helpers on Django's task API (the django-tasks backport), and how work is queued.

The layers go one way: a task calls services; a service never imports a task. A service that
must have work done after its commit names it (``enqueue_after_commit("search.rebuild")``);
the task module registers what that name queues (``@queued_as("search.rebuild")``), and each
app's ``ready()`` imports its task module, so the names are known before any request. The
import-linter contracts of ``pyproject.toml`` keep it so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

T = TypeVar("T")

#: name a service queues work by → what queues it (a task's ``enqueue``, or a helper)
_QUEUES: dict[str, Callable[..., Any]] = {}


def queued_as(name: str, queue: str = "enqueue") -> Callable[[T], T]:
    """Register a task (or a function that queues one) under ``name``: ``@queued_as("x")`` on a
    task registers its ``enqueue``; on a plain function (``queue=""``), the function itself."""

    def register(target: T) -> T:
        _QUEUES[name] = getattr(target, queue) if queue else target  # type: ignore[assignment]
        return target

    return register


def enqueue_after_commit(name: str, *args: Any) -> None:
    """Queue the work registered as ``name`` once the current transaction commits (at once
    outside one). An unknown name is an error, never work silently dropped."""
    try:
        queue = _QUEUES[name]
    except KeyError:
        raise LookupError(f"Aucune tâche enregistrée sous le nom {name!r} : module tasks non chargé.") from None
    transaction.on_commit(partial(queue, *args))


PARIS = ZoneInfo("Europe/Paris")
#: the daily tasks run after midnight's deadlines, before the offices open (Paris time)
DAILY_AT = time(6, 0)


def next_daily_run(now: datetime) -> datetime:
    """The next 6:00 in Paris after ``now``."""
    local = timezone.localtime(now, PARIS)
    run = datetime.combine(local.date(), DAILY_AT, tzinfo=PARIS)
    return run if run > local else datetime.combine(local.date() + timedelta(days=1), DAILY_AT, tzinfo=PARIS)


def enqueue_once(task: Any, *, run_after: datetime | None = None) -> bool:
    """Queue ``task`` (without arguments) unless it already waits in the queue; True when queued.

    A rebuild or a scheduler queued twice would only do the same work twice.
    """
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
        return False
    (task.using(run_after=run_after) if run_after else task).enqueue()
    return True
