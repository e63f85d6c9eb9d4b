"""A task that counts its runs, for tests/deploy/test_task_queue.py (imported by the workers)."""

from __future__ import annotations

from django.db.models import F
from django_tasks import task

from orientation.statistics.models import AudienceCount


@task()
def count_run(key: str) -> None:
    """Adds one to its row: a task run twice leaves a 2."""
    AudienceCount.objects.filter(metric="probe", key=key).update(count=F("count") + 1)
