"""Background work of the persons' space: the daily task (alerts of the followed searches,
inactive spaces warned then erased, links never used)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from orientation.persons.services import persons_run_daily, saved_searches_run_daily
from orientation.utils.tasks import enqueue_once, next_daily_run


@task()
def persons_daily() -> dict[str, int]:
    counts = persons_run_daily()
    counts.update(saved_searches_run_daily())
    ensure_persons_daily()
    return counts


def ensure_persons_daily() -> bool:
    return enqueue_once(persons_daily, run_after=next_daily_run(timezone.now()))
