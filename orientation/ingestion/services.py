"""Writes about sources: their schedule, and running their imports."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.management import get_commands, load_command_class
from django.db.models import Q, QuerySet
from django.utils import timezone

from orientation.ingestion.base import ImportCommand
from orientation.ingestion.models import ImportRun, Source
from orientation.ingestion.schedule import next_run_after
from orientation.utils.tasks import enqueue_after_commit

#: the command that imports each kind of source, and whether it reads a folder
IMPORT_COMMANDS: dict[str, tuple[str, bool]] = {
    Source.Kind.TERRITORIES: ("import_territories", True),
    Source.Kind.ROME: ("import_rome", True),
    Source.Kind.ONISEP: ("import_onisep", False),
    Source.Kind.ONISEP_FORMATIONS: ("import_onisep_formations", False),
    Source.Kind.PLACES: ("import_places", True),
    Source.Kind.LHEO: ("import_lheo", False),
    Source.Kind.DATA_INCLUSION: ("import_datainclusion", False),
}


def source_validate(*, source: Source) -> None:
    """Check what an operator typed for a source: one error per field, in French."""
    errors: dict[str, str] = {}
    location = source.location.strip()
    if source.kind not in IMPORT_COMMANDS:
        if source.frequency != "manual":
            errors["frequency"] = "Cette source ne s’importe pas sur planification."
    else:
        reads_folder = IMPORT_COMMANDS[source.kind][1]
        if "://" in location and not location.startswith("https://"):
            errors["location"] = "Seules les adresses https:// sont acceptées."
        elif location.startswith("https://") and reads_folder:
            errors["location"] = "Cette source se lit dans un dossier : indiquez un chemin sur le serveur."
        elif not location and source.frequency != "manual":
            errors["location"] = "Une source planifiée doit avoir un emplacement."
    if errors:
        raise ValidationError(errors)


def source_update_schedule(*, source: Source, now: datetime | None = None) -> Source:
    """Recompute when the source is next due, after its schedule was created or changed."""
    now = now or timezone.now()
    source.next_run_at = (
        next_run_after(now, source.frequency, source.run_at, source.weekday) if source.enabled else None
    )
    Source.objects.filter(pk=source.pk).update(next_run_at=source.next_run_at)
    return source


def sources_due(now: datetime) -> QuerySet[Source]:
    return Source.objects.filter(enabled=True, next_run_at__lte=now).exclude(Q(frequency="manual") | Q(location=""))


def source_claim(*, source: Source, now: datetime) -> bool:
    """Take the source's due slot, so that no other worker runs the same import.

    The slot moves to the next one after ``now`` in one conditional UPDATE: of two
    workers that saw the source due, exactly one gets it.
    """
    following = next_run_after(now, source.frequency, source.run_at, source.weekday)
    claimed = Source.objects.filter(pk=source.pk, enabled=True, next_run_at=source.next_run_at).update(
        next_run_at=following
    )
    return claimed == 1


def source_run_import(
    *, source: Source, stdout: TextIO | None = None, stderr: TextIO | None = None, dry_run: bool = False
) -> ImportRun:
    """Run the source's import command on its location; the run is recorded whatever happens."""
    if source.kind not in IMPORT_COMMANDS:
        raise ValueError(f"la source {source.name} ({source.get_kind_display()}) ne s’importe pas ainsi")
    name = IMPORT_COMMANDS[source.kind][0]
    command_class = type(load_command_class(get_commands()[name], name))
    assert issubclass(command_class, ImportCommand)
    command = command_class(stdout=stdout or io.StringIO(), stderr=stderr or io.StringIO())
    return command.execute_import(source.location, source_name=source.name, dry_run=dry_run)


def run_due_imports(
    *, now: datetime | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> list[ImportRun]:
    """Run, one after the other, the imports of every source that is due and not taken by another worker."""
    now = now or timezone.now()
    runs = []
    for source in sources_due(now).order_by("next_run_at", "name"):
        if source_claim(source=source, now=now):
            runs.append(source_run_import(source=source, stdout=stdout, stderr=stderr))
    return runs


def source_can_import(source: Source) -> bool:
    """Whether the source has an import to run: a kind with a command, and a location."""
    return source.kind in IMPORT_COMMANDS and bool(source.location)


def source_queue_import(*, source: Source) -> bool:
    """Queue the source's import for the worker, once the current transaction commits."""
    if not source_can_import(source):
        return False
    enqueue_after_commit("ingestion.import_source", source.name)
    return True


def queue_due_imports(*, now: datetime | None = None) -> list[Source]:
    """Take the slots of the sources that are due and queue their imports for the worker."""
    now = now or timezone.now()
    queued = []
    for source in sources_due(now).order_by("next_run_at", "name"):
        if source_claim(source=source, now=now) and source_queue_import(source=source):
            queued.append(source)
    return queued
