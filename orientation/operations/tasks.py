"""Background work of the whole platform: the nightly open-data files."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from orientation.utils.tasks import enqueue_once, next_daily_run


@task()
def open_data_nightly() -> str:
    """Write the open-data files of the night (open_data_export), then tomorrow's run."""
    output = StringIO()
    call_command("open_data_export", stdout=output, stderr=output)
    ensure_open_data_nightly()
    return output.getvalue().strip().splitlines()[-1] if output.getvalue().strip() else ""


def ensure_open_data_nightly() -> bool:
    return enqueue_once(open_data_nightly, run_after=next_daily_run(timezone.now()))
