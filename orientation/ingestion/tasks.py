"""Background work of the data hub, run by the worker (``make worker``).

The scheduler is a task that runs every minute: it takes the slots of the sources
that are due and queues one import task per source, then queues itself for the
next minute. Claiming a slot is one conditional UPDATE, so two workers, or a
worker and an operator running ``run_due_imports`` by hand, never import the same
slot twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from orientation.ingestion.models import Source
from orientation.ingestion.services import queue_due_imports, source_run_import
from orientation.utils.tasks import enqueue_once, queued_as

logger = logging.getLogger(__name__)

SCHEDULER_INTERVAL = timedelta(minutes=1)


@queued_as("ingestion.import_source")
@task()
def import_source(source_name: str) -> dict[str, object]:
    """Import one source now; returns what the run did (kept with the task's result)."""
    source = Source.objects.get(name=source_name)
    run = source_run_import(source=source)
    logger.info("Import %s : %s", source.name, run.message.splitlines()[0] if run.message else run.status)
    return {"run": run.pk, "status": run.status, "created": run.created, "updated": run.updated}


@task()
def schedule_due_imports() -> list[str]:
    """Queue the imports that are due, then come back in a minute."""
    now = timezone.now()
    queued = [source.name for source in queue_due_imports(now=now)]
    ensure_scheduler(after=now + SCHEDULER_INTERVAL)
    return queued


def ensure_scheduler(*, after: datetime | None = None) -> bool:
    """Queue the scheduler unless it is already waiting in the queue; True when queued."""
    return enqueue_once(schedule_due_imports, run_after=after)
