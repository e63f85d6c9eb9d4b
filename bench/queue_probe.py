"""Tasks that count their runs, for the task queue's test (tests/deploy/test_task_queue.py) and
benchmark (bench/task_queue.py); imported by the workers."""

from __future__ import annotations

import time

from django.db.models import F
from django_tasks import task

from orientation.statistics.models import AudienceCount


@task()
def count_run(key: str) -> None:
    """Adds one to its row: a task run twice leaves a 2."""
    AudienceCount.objects.filter(metric="probe", key=key).update(count=F("count") + 1)


@task()
def note_delay(key: str, enqueued_ms: int) -> None:
    """Writes the milliseconds from its enqueueing to its start in its row (same machine, same clock)."""
    AudienceCount.objects.filter(metric="probe-delay", key=key).update(
        count=max(0, int(time.time() * 1000) - enqueued_ms)
    )
