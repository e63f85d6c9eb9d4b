"""The one mechanism every import command is built on.

An import command declares its source and implements ``run_import``. The base class
records an ImportRun, runs the import in a single transaction (readers keep seeing
the previous data until it commits, and a failure rolls everything back), collects
rejects with where and why, shows progress on stderr and ends with a summary line.

Records are written through an Upserter: idempotent by source identifier, with a
content hash per record, so that running the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from orientation.ingestion.bulk import insert_rows, update_rows
from orientation.ingestion.errors import InputError, RecordProblem, RecordRejected
from orientation.ingestion.models import ImportRun, RecordProvenance, Reject, Source
from orientation.ingestion.notifications import notify_failed_run
from orientation.utils.signals import announce_catalogue_change

M = TypeVar("M", bound=models.Model)

#: Rejects kept in detail per run; beyond that only the count grows.
#: rejected records listed at the end of a run's output (all of them are kept, up to MAX_STORED_REJECTS)
REJECTS_LISTED = 20
MAX_STORED_REJECTS = 5000
BATCH_SIZE = 500
#: how often a step of unknown length writes a progress line when stderr is a log
LOG_PROGRESS_SECONDS = 10.0


class ImportAborted(Exception):
    """The run is stopped and rolled back; the message says why."""


class _DryRunRollback(Exception):
    pass


class Progress:
    """Progress of one step on stderr: a live line on a terminal, a few lines in a log."""

    def __init__(self, stream: OutputWrapper | IO[str], label: str, total: int | None, *, interactive: bool):
        self.stream = stream
        self.label = label
        self.total = total
        self.done = 0
        self.interactive = interactive
        self.started = time.monotonic()
        self.last_shown = self.started
        self.next_tenth = 1

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.interactive:
            if now - self.last_shown >= 0.25:
                self.last_shown = now
                self.stream.write("\r" + self._line(now))
                self.stream.flush()
        elif self.total:
            reached = min(10, self.done * 10 // self.total)  # a line a tenth, one for a leap of several
            if reached >= self.next_tenth:
                self.next_tenth = reached + 1
                self.stream.write(self._line(now) + "\n")
        elif now - self.last_shown >= LOG_PROGRESS_SECONDS:
            # In a log (cron, CI) a stream of unknown length still says it is alive.
            self.last_shown = now
            self.stream.write(self._line(now) + "\n")

    def finish(self) -> None:
        now = time.monotonic()
        line = self._line(now)
        if self.interactive:
            self.stream.write("\r" + line + "\n")
        elif not self.total or self.next_tenth <= 10:  # in a log, the whole once, unless its tenth said it
            self.stream.write(line + "\n")
        self.stream.flush()

    def _line(self, now: float) -> str:
        elapsed = now - self.started
        if self.total:
            share = min(100, int(self.done * 100 / self.total)) if self.total else 100
            return f"  {self.label} : {self.done:,}/{self.total:,} ({share} %) en {elapsed:.1f} s".replace(",", " ")
        return f"  {self.label} : {self.done:,} en {elapsed:.1f} s".replace(",", " ")


@dataclass
class StepCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0

    def add(self, other: StepCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.absent += other.absent


@dataclass
class ImportContext:
    run: ImportRun
    source: Source
    stdout: OutputWrapper
    stderr: OutputWrapper
    interactive: bool = False
    max_reject_share: float = 0.0
    counts: StepCounts = field(default_factory=StepCounts)
    step_counts: dict[str, StepCounts] = field(default_factory=dict)
    rejects: list[RecordProblem] = field(default_factory=list)
    #: the problems found; a record with several counts once in ``reject_count``
    problem_count: int = 0
    # What was rejected, by digest (an int each, not the record's strings): a feed all bad of
    # 230,000 records keeps 230,000 ints here, while the problems stored stop at MAX_STORED_REJECTS.
    rejected_records: set[int] = field(default_factory=set)
    problems_seen: set[int] = field(default_factory=set)
    record_count: int = 0
    notes: list[str] = field(default_factory=list)

    def progress(self, label: str, total: int | None = None) -> Progress:
        return Progress(self.stderr, label, total, interactive=self.interactive)

    @property
    def reject_count(self) -> int:
        """Records rejected (not problems: a record with two bad fields is one record)."""
        return len(self.rejected_records)

    def reject(self, problem: RecordProblem) -> None:
        # A record without an identifier is known by its line.
        self.rejected_records.add(hash((problem.file, problem.record or f"ligne {problem.line}")))
        key = hash((problem.file, problem.line, problem.record, problem.field, problem.reason))
        if key in self.problems_seen:  # the same problem of the same record, met twice: listed once
            return
        self.problems_seen.add(key)
        self.problem_count += 1
        if len(self.rejects) < MAX_STORED_REJECTS:
            self.rejects.append(problem)

    def note(self, message: str) -> None:
        """Something the operator should know that is not an error (a missing optional file…)."""
        self.notes.append(message)
        self.stdout.write(f"  note : {message}\n")

    def record_step(self, label: str, counts: StepCounts) -> None:
        self.step_counts[label] = counts
        self.counts.add(counts)

    def check_rejects(self) -> None:
        if not self.reject_count:
            return
        share = self.reject_count / max(self.record_count, 1)
        if share > self.max_reject_share:
            first = "\n".join("  - " + problem.describe() for problem in self.rejects[:20])
            more = f"\n  … et {self.problem_count - 20} autres problèmes" if self.problem_count > 20 else ""
            raise ImportAborted(
                f"{self.reject_count} enregistrement(s) invalide(s) sur {self.record_count} "
                f"({share:.1%}, seuil {self.max_reject_share:.0%}) ; rien n’a été enregistré :\n{first}{more}"
            )


def content_hash(payload: Any) -> str:
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class UpsertResult:
    counts: StepCounts
    #: natural key → primary key, for every record of this run
    pk_by_key: dict[str, int]
    #: keys of records created or updated in this run, with the extra payload given to add()
    changed: dict[str, Any]
    #: keys known from earlier runs of the source and absent from this one
    absent_keys: set[str]


class Upserter(Generic[M]):
    """Create or update the objects of one model from one source, by natural key.

    ``add(key, values, extra)`` buffers a record; ``values`` are model field values
    (foreign keys as ``<name>_id``), ``extra`` anything else that belongs to the
    record (its links to other records): both go into the record's hash. A record
    whose hash is the one stored for it is left untouched. ``finish()`` writes what
    changed in batches and returns what happened.

    ``key_field`` names the model's natural key (a code); with None, the record is
    known only by its identifier in the source, kept in its provenance. With
    ``preload=False`` (feeds of any size) nothing is loaded up front: each flush()
    looks up the provenance of its own batch, so memory stays bounded by the batch.
    """

    def __init__(
        self,
        context: ImportContext,
        model: type[M],
        key_field: str | None,
        *,
        label: str,
        version: int = 1,
        preload: bool = True,
    ):
        if not preload and key_field is not None:
            raise ValueError("preload=False identifies records by their source identifier only")
        self.context = context
        self.model = model
        self.key_field = key_field
        self.label = label
        self.version = version
        self.preload = preload
        self.content_type = ContentType.objects.get_for_model(model)
        self.provenance: dict[str, tuple[int, int, str]] = {}
        self.existing: dict[str, int] = {}
        if preload:
            self.provenance = self._provenance(RecordProvenance.objects.all())
            if key_field is not None:
                self.existing = {
                    str(key): pk
                    for key, pk in model._default_manager.values_list(key_field, "pk").iterator(chunk_size=5000)
                }
            else:
                self.existing = self._alive(self.provenance)
        self.seen: set[str] = set()
        self.pending: list[tuple[str, dict[str, Any], str, Any]] = []
        self.to_create: list[tuple[str, dict[str, Any], str, Any]] = []
        self.to_update: list[tuple[str, int, dict[str, Any], str, Any]] = []
        self.unchanged = 0
        self.created_count = 0
        self.updated_count = 0
        self.changed: dict[str, Any] = {}

    def _provenance(self, queryset: models.QuerySet[RecordProvenance]) -> dict[str, tuple[int, int, str]]:
        return {
            external_id: (prov_pk, object_id, digest)
            for prov_pk, external_id, object_id, digest in queryset.filter(
                source=self.context.source, content_type=self.content_type
            )
            .values_list("pk", "external_id", "object_id", "content_hash")
            .iterator(chunk_size=5000)
        }

    def _alive(self, provenance: dict[str, tuple[int, int, str]]) -> dict[str, int]:
        """key → pk for the provenance entries whose object still exists."""
        ids = [known[1] for known in provenance.values()]
        alive: set[int] = set()
        for start in range(0, len(ids), 5000):
            alive.update(
                self.model._default_manager.filter(pk__in=ids[start : start + 5000]).values_list("pk", flat=True)
            )
        return {key: known[1] for key, known in provenance.items() if known[1] in alive}

    def add(self, key: str, values: dict[str, Any], extra: Any = None, *, digest: str | None = None) -> None:
        """Buffer one record. ``digest`` replaces the hash of values and extra when the
        caller has a cheaper exact fingerprint of the record (its canonical bytes)."""
        if key in self.seen:
            raise RecordRejected(f"identifiant {key!r} en double dans le fichier", field=self.key_field or "")
        self.seen.add(key)
        digest = content_hash([self.version, values, extra]) if digest is None else self._fingerprint(digest)
        if self.preload:
            self._classify(key, values, digest, extra)
        else:
            self.pending.append((key, values, digest, extra))

    def keep(self, key: str) -> None:
        """A record of the file that was rejected: what an earlier run wrote for it stays as it
        was, and is not counted absent (closed) at the end of the run."""
        self.seen.add(key)

    def _fingerprint(self, digest: str) -> str:
        return hashlib.sha256(f"{self.version}:{digest}".encode()).hexdigest()

    def skip_unchanged(self, candidates: list[tuple[str, str]]) -> set[str]:
        """Count as unchanged, before they are even parsed, the records whose stored
        fingerprint is the given one (key, digest as passed to add()); return their keys.

        A feed can then parse and validate only what is new or changed: a record whose
        fingerprint is stored was valid when it was accepted.
        """
        digests = {key: self._fingerprint(digest) for key, digest in candidates}
        provenance = self._provenance(RecordProvenance.objects.filter(external_id__in=list(digests)))
        alive = self._alive(provenance)
        unchanged = {
            key
            for key, (_prov_pk, _object_id, stored) in provenance.items()
            if stored == digests[key] and key in alive and key not in self.seen
        }
        self.seen.update(unchanged)
        self.unchanged += len(unchanged)
        return unchanged

    def _classify(self, key: str, values: dict[str, Any], digest: str, extra: Any) -> None:
        known = self.provenance.get(key)
        pk = self.existing.get(key)
        if known is not None and pk is not None and known[1] == pk and known[2] == digest:
            self.unchanged += 1
            return
        if pk is None:
            self.to_create.append((key, values, digest, extra))
        else:
            self.to_update.append((key, pk, values, digest, extra))

    def _identity(self, key: str) -> dict[str, str]:
        return {self.key_field: key} if self.key_field else {}

    def known(self) -> dict[str, int]:
        """key → primary key of every record of the source: this run's and, with
        preload, those of earlier runs that still exist (call after finish())."""
        return dict(self.existing)

    def pk_of(self, key: str) -> int | None:
        """Primary key of a record already written (call flush() after add())."""
        return self.existing.get(key)

    def flush(self) -> dict[str, tuple[int, Any]]:
        """Write the records added so far, so that their primary keys are known.

        Returns the records of this flush that were created or updated:
        key → (primary key, extra).
        """
        if self.pending:
            keys = [key for key, *_rest in self.pending]
            self.provenance = self._provenance(RecordProvenance.objects.filter(external_id__in=keys))
            self.existing = self._alive(self.provenance)
            for key, values, digest, extra in self.pending:
                self._classify(key, values, digest, extra)
            self.pending = []
        batch_changed: dict[str, tuple[int, Any]] = {}
        new_provenance: list[dict[str, Any]] = []
        changed_provenance: list[tuple[int, dict[str, Any]]] = []

        ids = insert_rows(self.model, [{**self._identity(key), **values} for key, values, _d, _e in self.to_create])
        for (key, _values, digest, extra), pk in zip(self.to_create, ids, strict=True):
            self.existing[key] = pk
            batch_changed[key] = (pk, extra)
            self._remember(key, pk, digest, new_provenance, changed_provenance)

        # Rows of one model normally all carry the same columns; group them if not.
        by_columns: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
        for key, pk, values, digest, extra in self.to_update:
            row = {**self._identity(key), **values}
            by_columns.setdefault(tuple(sorted(row)), []).append((pk, row))
            batch_changed[key] = (pk, extra)
            self._remember(key, pk, digest, new_provenance, changed_provenance)
        for rows in by_columns.values():
            update_rows(self.model, rows)

        insert_rows(RecordProvenance, new_provenance)
        update_rows(RecordProvenance, changed_provenance)
        self.created_count += len(self.to_create)
        self.updated_count += len(self.to_update)
        self.to_create = []
        self.to_update = []
        if self.preload:
            self.changed.update({key: extra for key, (_pk, extra) in batch_changed.items()})
        return batch_changed

    def finish(self) -> UpsertResult:
        self.flush()
        if self.preload:
            absent = set(self.provenance) - self.seen
            pk_by_key = {key: self.existing[key] for key in self.seen}
        else:
            known = RecordProvenance.objects.filter(source=self.context.source, content_type=self.content_type)
            absent = {
                key
                for key in known.values_list("external_id", flat=True).iterator(chunk_size=5000)
                if key not in self.seen
            }
            pk_by_key = {}
        counts = StepCounts(
            created=self.created_count, updated=self.updated_count, unchanged=self.unchanged, absent=len(absent)
        )
        self.context.record_step(self.label, counts)
        return UpsertResult(counts=counts, pk_by_key=pk_by_key, changed=self.changed, absent_keys=absent)

    def _remember(
        self,
        key: str,
        pk: int,
        digest: str,
        new_provenance: list[dict[str, Any]],
        changed_provenance: list[tuple[int, dict[str, Any]]],
    ) -> None:
        known = self.provenance.get(key)
        run = self.context.run
        if known is None:
            new_provenance.append(
                {
                    "source_id": self.context.source.pk,
                    "content_type_id": self.content_type.pk,
                    "object_id": pk,
                    "external_id": key,
                    "content_hash": digest,
                    "first_run_id": run.pk,
                    "last_changed_run_id": run.pk,
                }
            )
        else:
            changed_provenance.append(
                (known[0], {"object_id": pk, "content_hash": digest, "last_changed_run_id": run.pk})
            )


def replace_children(
    model: type[models.Model],
    parent_field: str,
    parent_pks: Iterable[int],
    rows: Iterable[models.Model],
) -> None:
    """Replace the child rows (links) of the given parents by ``rows``."""
    pks = list(parent_pks)
    for start in range(0, len(pks), BATCH_SIZE):
        model._default_manager.filter(**{f"{parent_field}__in": pks[start : start + BATCH_SIZE]}).delete()
    model._default_manager.bulk_create(list(rows), batch_size=BATCH_SIZE)


class ImportCommand(BaseCommand):
    """Base class of the import commands; subclasses implement ``run_import``."""

    source_name: ClassVar[str]
    source_kind: ClassVar[str]
    source_label: ClassVar[str]
    #: share of invalid records tolerated before the run is refused; reference data
    #: must be whole, so by default one invalid record stops the run
    max_reject_share: ClassVar[float] = 0.0
    path_help: ClassVar[str] = "fichier ou dossier à importer"
    #: False for a command whose input ships with the code (the demo data)
    path_required: ClassVar[bool] = True
    #: what happens to records of earlier runs that the file no longer holds
    absent_label: ClassVar[str] = "absents du fichier (conservés)"

    def add_arguments(self, parser: CommandParser) -> None:
        if self.path_required:
            parser.add_argument("path", help=self.path_help)
        else:
            parser.add_argument("path", nargs="?", default="(intégré)", help=self.path_help)
        parser.add_argument("--source", default=None, help="nom de la source (par défaut : %(default)s)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="tout lire et valider, afficher le bilan, puis annuler : rien n’est enregistré",
        )
        parser.add_argument(
            "--max-reject-share",
            type=float,
            default=None,
            help=(
                "part d’enregistrements invalides au-delà de laquelle rien n’est enregistré, de 0 à 1 "
                f"(défaut : le seuil de la source, sinon {self.max_reject_share})"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        share = options["max_reject_share"]
        if share is not None and not 0 <= share <= 1:
            raise CommandError(f"--max-reject-share doit être compris entre 0 et 1 (reçu : {share})")
        run = self.execute_import(
            options["path"], source_name=options["source"], dry_run=options["dry_run"], max_reject_share=share
        )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.message)

    def execute_import(
        self,
        path: str,
        *,
        source_name: str | None = None,
        dry_run: bool = False,
        max_reject_share: float | None = None,
    ) -> ImportRun:
        """Run the import of ``path`` for a source and record it; a failed run notifies the source's contact."""
        name = source_name or self.source_name
        label = self.source_label if name == self.source_name else f"{self.source_label} — {name}"
        source, _created = Source.objects.get_or_create(
            name=name, defaults={"kind": self.source_kind, "label": label, "location": str(path)}
        )
        if max_reject_share is None:
            max_reject_share = source.max_reject_share
        if max_reject_share is None:
            max_reject_share = self.max_reject_share
        run = ImportRun.objects.create(
            source=source, command=self.command_name(), location=str(path), started_at=timezone.now()
        )
        context = ImportContext(
            run=run,
            source=source,
            stdout=self.stdout,
            stderr=self.stderr,
            interactive=sys.stderr.isatty(),
            max_reject_share=max_reject_share,
        )
        self.stdout.write(f"{self.source_label} : import de {path}\n")
        started = time.monotonic()
        try:
            with transaction.atomic(durable=True):
                self.run_import(context, path)
                context.check_rejects()
                if dry_run:
                    raise _DryRunRollback
            run.status = ImportRun.Status.SUCCEEDED
        except _DryRunRollback:
            run.status = ImportRun.Status.DRY_RUN
        except InputError as error:
            run.status = ImportRun.Status.FAILED
            context.reject(error.problem)
            run.message = f"Import interrompu, rien n’a été enregistré. {error.problem.describe()}"
        except ImportAborted as error:
            run.status = ImportRun.Status.FAILED
            run.message = str(error)
        except Exception as error:
            # A bug, not bad data: record the failed run, then let the traceback out.
            run.status = ImportRun.Status.FAILED
            run.message = f"Erreur interne, rien n’a été enregistré : {error!r}"
            self._finish_run(context, run)
            transaction.on_commit(lambda: notify_failed_run(run))
            raise
        if run.status == ImportRun.Status.FAILED:
            context.counts = StepCounts()
        elapsed = time.monotonic() - started
        self._finish_run(context, run)
        summary = self._summary(context, run, elapsed)
        if run.status != ImportRun.Status.FAILED:
            run.message = summary
            run.save(update_fields=["message"])
            if run.status == ImportRun.Status.SUCCEEDED and (
                context.counts.created or context.counts.updated or context.counts.absent
            ):
                # what the search shows changed: it subscribes (orientation.utils.signals)
                announce_catalogue_change(f"import:{run.source.name}")
        else:
            transaction.on_commit(lambda: notify_failed_run(run))
        self.stdout.write(summary + "\n")
        return run

    def run_import(self, context: ImportContext, path: str) -> None:
        raise NotImplementedError

    def command_name(self) -> str:
        return self.__class__.__module__.rsplit(".", 1)[-1]

    def _finish_run(self, context: ImportContext, run: ImportRun) -> None:
        run.ended_at = timezone.now()
        run.created = context.counts.created
        run.updated = context.counts.updated
        run.unchanged = context.counts.unchanged
        run.absent = context.counts.absent
        run.rejected = context.reject_count
        run.save()
        Reject.objects.bulk_create(
            [
                Reject(
                    run=run,
                    file=problem.file[:300],
                    line=problem.line,
                    record=problem.record[:255],
                    field=problem.field[:200],
                    reason=problem.reason,
                )
                for problem in context.rejects
            ],
            batch_size=BATCH_SIZE,
        )

    def _summary(self, context: ImportContext, run: ImportRun, elapsed: float) -> str:
        if run.status == ImportRun.Status.FAILED:
            return f"ÉCHEC ({elapsed:.1f} s) : {run.message}"
        counts = context.counts
        details = "; ".join(
            f"{label} {c.created}/{c.updated}/{c.unchanged}" for label, c in context.step_counts.items()
        )
        prefix = "ESSAI À BLANC, rien n’a été enregistré" if run.status == ImportRun.Status.DRY_RUN else "Terminé"
        nothing = " Aucun changement." if counts.created == 0 and counts.updated == 0 else ""
        absent = f", {counts.absent} {self.absent_label}" if counts.absent else ""
        return (
            f"{prefix} en {elapsed:.1f} s : {counts.created} créés, {counts.updated} mis à jour, "
            f"{counts.unchanged} inchangés{absent}, {context.reject_count} rejetés.{nothing}"
            + (f" [créés/mis à jour/inchangés par type : {details}]" if details else "")
            + self._rejects_listing(context, run)
        )

    @staticmethod
    def _rejects_listing(context: ImportContext, run: ImportRun) -> str:
        """The rejected records, as the failure message lists them: the first 20, and where the rest is."""
        if not context.rejects:
            return ""
        shown = REJECTS_LISTED
        lines = [f"\nRejetés ({context.reject_count} enregistrement(s), {context.problem_count} problème(s)) :"]
        lines += ["  - " + problem.describe() for problem in context.rejects[:shown]]
        if context.problem_count > shown:
            where = settings.SITE_URL + reverse("backoffice:feed_rejects_csv", args=[run.source.name])
            lines.append(f"  … et {context.problem_count - shown} autres : tous dans {where}")
        return "\n".join(lines)


@contextmanager
def rejecting(context: ImportContext, file: str, line: int | None, record: str) -> Iterator[None]:
    """Turn a RecordRejected raised for one record into a reject that says where it is."""
    try:
        yield
    except RecordRejected as rejected:
        context.reject(RecordProblem(file=file, line=line, record=record, field=rejected.field, reason=rejected.reason))
