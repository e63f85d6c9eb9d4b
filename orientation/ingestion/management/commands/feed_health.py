"""Show how every source's feed is doing: what the back-office page /gestion/flux/ shows.

With --check, the exit status suits a monitoring probe: 0 when every feed is fine,
1 when one needs watching (late, rejects jumping), 2 when one failed.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.timesince import timesince

from orientation.ingestion.selectors import FeedState, feeds_health

STATE_LABELS = {
    FeedState.FAILED: "ÉCHEC",
    FeedState.WARNING: "À SURVEILLER",
    FeedState.NEVER: "jamais importée",
    FeedState.OK: "à jour",
}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="code de sortie 2 si un flux échoue, 1 s’il faut le surveiller"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        healths = feeds_health()
        now = timezone.now()
        for health in healths:
            source = health.source
            self.stdout.write(f"{source.name} ({source.get_kind_display()}) : {STATE_LABELS[health.state]}")
            if health.last_success and health.last_success.ended_at:
                ended = timezone.localtime(health.last_success.ended_at)
                self.stdout.write(f"  dernier import réussi : {ended:%d/%m/%Y %H:%M} (il y a {timesince(ended, now)})")
            last = health.last_run
            if last is not None:
                started = timezone.localtime(last.started_at)
                self.stdout.write(
                    f"  dernier import : {started:%d/%m/%Y %H:%M}, {last.get_status_display()} : "
                    f"{last.created} créés, {last.updated} mis à jour, {last.unchanged} inchangés, "
                    f"{last.absent} fermés, {last.rejected} rejetés"
                )
                if last.status == "failed" and last.message:
                    self.stdout.write("  motif : " + last.message.splitlines()[0])
            if source.next_run_at:
                self.stdout.write(f"  prochain import : {timezone.localtime(source.next_run_at):%d/%m/%Y %H:%M}")
            for warning in health.warnings:
                self.stdout.write(f"  ! {warning}")
        if not healths:
            self.stdout.write("Aucune source configurée.")
        if options["check"]:
            states = {health.state for health in healths}
            sys.exit(2 if FeedState.FAILED in states else 1 if FeedState.WARNING in states else 0)
