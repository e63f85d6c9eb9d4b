"""The label's daily task, run by the worker every morning (Paris time)."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import task

from orientation.labels.services import labels_run_daily
from orientation.utils.tasks import enqueue_once

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
#: the daily run: after midnight's deemed opinions, before the offices open
DAILY_AT = time(6, 0)


def next_daily_run(now: datetime) -> datetime:
    local = timezone.localtime(now, PARIS)
    run = datetime.combine(local.date(), DAILY_AT, tzinfo=PARIS)
    return run if run > local else datetime.combine(local.date() + timedelta(days=1), DAILY_AT, tzinfo=PARIS)


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
