"""Reads about feeds: how each source is doing, for the health page, the command and the API."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from orientation.ingestion.models import ImportRun, Reject, Source
from orientation.ingestion.schedule import is_late

#: runs shown in a source's chart
RUNS_SHOWN = 30
#: rejects listed on a source's page (all of them are in the CSV download)
REJECTS_SHOWN = 200
#: a jump: at least this many rejects, and at least JUMP_FACTOR times the usual count
JUMP_MINIMUM = 10
JUMP_FACTOR = 3


class FeedState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"
    NEVER = "never"


@dataclass
class FeedHealth:
    source: Source
    #: the last RUNS_SHOWN runs, oldest first, dry runs left out
    runs: list[ImportRun]
    last_success: ImportRun | None
    late: bool
    rejects_jump: bool
    now: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def last_run(self) -> ImportRun | None:
        return self.runs[-1] if self.runs else None

    @property
    def state(self) -> FeedState:
        last = self.last_run
        if last is None:
            return FeedState.NEVER
        if last.status == ImportRun.Status.FAILED:
            return FeedState.FAILED
        if self.warnings:
            return FeedState.WARNING
        return FeedState.OK

    @property
    def freshness(self) -> timedelta | None:
        """How old the data on line is: time since the last successful run ended."""
        if self.last_success is None or self.last_success.ended_at is None:
            return None
        return self.now - self.last_success.ended_at


def recent_runs(sources: QuerySet[Source] | list[Source], limit: int = RUNS_SHOWN) -> dict[int, list[ImportRun]]:
    """The last ``limit`` real runs of each source, oldest first, in one query."""
    ranked = (
        ImportRun.objects.filter(source__in=sources)
        .exclude(status=ImportRun.Status.DRY_RUN)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("source_id"), order_by=[F("started_at").desc(), F("id").desc()])
        )
        .filter(rank__lte=limit)
        .order_by("source_id", "started_at", "id")
    )
    runs: dict[int, list[ImportRun]] = {}
    for run in ranked:
        runs.setdefault(run.source_id, []).append(run)
    return runs


def last_successes(sources: QuerySet[Source] | list[Source]) -> dict[int, ImportRun]:
    ranked = (
        ImportRun.objects.filter(source__in=sources, status=ImportRun.Status.SUCCEEDED)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("source_id"), order_by=[F("started_at").desc(), F("id").desc()])
        )
        .filter(rank=1)
    )
    return {run.source_id: run for run in ranked}


def rejects_jump(runs: list[ImportRun]) -> tuple[int, float] | None:
    """(rejects of the last completed run, the usual count) when the last run rejected far
    more records than the runs before it; None otherwise."""
    completed = [run for run in runs if run.status != ImportRun.Status.RUNNING]
    if len(completed) < 2:
        return None
    last = completed[-1].rejected
    usual = statistics.median(run.rejected for run in completed[:-1])
    return (last, usual) if last >= max(JUMP_MINIMUM, JUMP_FACTOR * usual) else None


def _health(source: Source, runs: list[ImportRun], last_success: ImportRun | None, now: datetime) -> FeedHealth:
    late = source.enabled and is_late(
        frequency=source.frequency,
        at=source.run_at,
        weekday=source.weekday,
        last_success=last_success.started_at if last_success else None,
        since=source.created_at,
        now=now,
    )
    jump = rejects_jump(runs)
    health = FeedHealth(
        source=source,
        runs=runs,
        last_success=last_success,
        late=late,
        rejects_jump=jump is not None,
        now=now,
    )
    if late:
        health.warnings.append("En retard : aucun import réussi depuis le créneau prévu.")
    if jump is not None:
        health.warnings.append(f"Rejets en hausse : {jump[0]} au dernier import, {jump[1]:g} d’habitude.")
    if not source.enabled:
        health.warnings.append("Source désactivée : elle n’est plus importée.")
    return health


def feeds_health(now: datetime | None = None) -> list[FeedHealth]:
    """Every source's health, worst first: failed, warnings, never run, then the good ones."""
    now = now or timezone.now()
    sources = list(Source.objects.order_by("name"))
    runs = recent_runs(sources)
    successes = last_successes(sources)
    healths = [_health(source, runs.get(source.pk, []), successes.get(source.pk), now) for source in sources]
    order = {FeedState.FAILED: 0, FeedState.WARNING: 1, FeedState.NEVER: 2, FeedState.OK: 3}
    return sorted(healths, key=lambda health: (order[health.state], health.source.name))


def feed_health(source: Source, now: datetime | None = None) -> FeedHealth:
    now = now or timezone.now()
    return _health(source, recent_runs([source]).get(source.pk, []), last_successes([source]).get(source.pk), now)


def run_rejects(run: ImportRun) -> QuerySet[Reject]:
    return run.rejects.order_by("id")
