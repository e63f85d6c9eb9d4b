"""Run the imports of the sources that are due now (what the worker does every minute).

Each due source's slot is taken first, so a source is never imported twice for the
same slot, even with several workers. With --enqueue the imports are queued for the
worker instead of run here. The exit status is 1 when an import failed: its previous
data stays in place and its contact has been e-mailed.
"""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orientation.ingestion.models import ImportRun
from orientation.ingestion.services import queue_due_imports, run_due_imports


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="mettre les imports en file pour le worker")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["enqueue"]:
            queued = queue_due_imports(now=now)
            for source in queued:
                self.stdout.write(f"{source.name} : import mis en file")
            self.stdout.write(f"{len(queued)} import(s) mis en file.")
            return
        runs = run_due_imports(now=now, stdout=cast(TextIO, self.stdout), stderr=cast(TextIO, self.stderr))
        if not runs:
            self.stdout.write("Aucune source à importer maintenant.")
            return
        failed = [run for run in runs if run.status == ImportRun.Status.FAILED]
        self.stdout.write(f"{len(runs)} import(s) lancé(s), {len(failed)} en échec.")
        if failed:
            raise CommandError("en échec : " + ", ".join(run.source.name for run in failed))
