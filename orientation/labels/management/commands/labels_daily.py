"""Run the label's daily work now: deemed opinions, reminders, renewals, expiries.

The worker runs it every morning; an operator runs it by hand after an outage (it does
nothing twice on the same day) or, with --date, to see what a day would do in a test copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orientation.labels.services import labels_run_daily

LABELS = {
    "deemed_opinions": "avis réputés défavorables",
    "unanswered_withdrawals": "retraits sans réponse de l’organisation",
    "reminders": "rappels d’échéance",
    "renewal_reminders": "rappels de renouvellement",
    "expired": "labels arrivés à échéance",
}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="le jour à traiter (AAAA-MM-JJ), aujourd’hui par défaut")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date {options['date']!r} : une date AAAA-MM-JJ est attendue.") from error
        counts = labels_run_daily(today=today)
        self.stdout.write("Label, tâche quotidienne : " + ", ".join(f"{counts[k]} {v}" for k, v in LABELS.items()))
