"""Helpers on Django's task API (the django-tasks backport)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

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
