"""Background work of the statistics: each morning, the days gone are forgotten (the salts and
visitors' digests of the audience leave the shared cache)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from orientation.statistics.services import statistics_daily_purge
from orientation.utils.tasks import enqueue_once, next_daily_run


@task()
def statistics_daily() -> int:
    removed = statistics_daily_purge()
    ensure_statistics_daily()
    return removed


def ensure_statistics_daily() -> bool:
    return enqueue_once(statistics_daily, run_after=next_daily_run(timezone.now()))
