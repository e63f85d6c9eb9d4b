"""The background worker: runs queued tasks, the import scheduler every minute and the
label's and the referrals' daily tasks every morning.

Puts the scheduler and the daily task in the queue if they are not there yet, then runs the database
worker of django-tasks (its options pass through: --batch, --interval, --max-tasks…).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from orientation.ingestion.tasks import ensure_scheduler
from orientation.labels.tasks import ensure_labels_daily
from orientation.operations.tasks import ensure_open_data_nightly
from orientation.persons.tasks import ensure_persons_daily
from orientation.referrals.tasks import ensure_referrals_daily
from orientation.statistics.tasks import ensure_statistics_daily


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="traiter les tâches prêtes puis s’arrêter")
        parser.add_argument("--interval", type=float, default=1.0, help="secondes entre deux lectures de la file")
        parser.add_argument("--max-tasks", type=int, default=None, help="s’arrêter après ce nombre de tâches")

    def handle(self, *args: Any, **options: Any) -> None:
        if ensure_scheduler():
            self.stdout.write("Planificateur des imports mis en file.")
        if ensure_labels_daily():
            self.stdout.write("Tâche quotidienne du label mise en file.")
        if ensure_referrals_daily():
            self.stdout.write("Tâche quotidienne des orientations mise en file.")
        if ensure_persons_daily():
            self.stdout.write("Tâche quotidienne des espaces personnels mise en file.")
        if ensure_statistics_daily():
            self.stdout.write("Tâche quotidienne des statistiques mise en file.")
        if ensure_open_data_nightly():
            self.stdout.write("Export quotidien des données ouvertes mis en file.")
        worker_options: dict[str, Any] = {"interval": options["interval"], "queue_name": "*", "startup_delay": False}
        if options["batch"]:
            worker_options["batch"] = True
        if options["max_tasks"]:
            worker_options["max_tasks"] = options["max_tasks"]
        call_command("db_worker", stdout=self.stdout, stderr=self.stderr, **worker_options)
