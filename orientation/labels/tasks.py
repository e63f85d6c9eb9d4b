"""The label's daily task, run by the worker every morning (Paris time)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from orientation.labels.services import labels_run_daily
from orientation.utils.tasks import enqueue_once, next_daily_run

logger = logging.getLogger(__name__)


@task()
def labels_daily() -> dict[str, int]:
    """Deemed opinions, reminders, renewals and expiries of the day; then tomorrow's run."""
    counts = labels_run_daily()
    logger.info("Label, tâche quotidienne : %s", ", ".join(f"{key} {value}" for key, value in counts.items()))
    ensure_labels_daily()
    return counts


def ensure_labels_daily() -> bool:
    """Queue the next daily run unless one is waiting; True when queued."""
    return enqueue_once(labels_daily, run_after=next_daily_run(timezone.now()))
