"""Write a month's audience and activity figures as open-data files: the same documents as
``/api/v1/statistics/audience`` and ``/activity`` (JSON), with their CSV.

    manage.py statistics_export --month 2026-11 --folder var/open-data/statistiques

By default the previous month (the first days of a month publish the month before).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from orientation.statistics.documents import activity_csv_rows, activity_document, audience_csv_rows, audience_document
from orientation.statistics.selectors import month_bounds, month_key

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="", help="AAAA-MM (par défaut : le mois précédent)")
        parser.add_argument("--folder", default=str(Path(settings.VAR_DIR) / "open-data" / "statistiques"))

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or month_key(timezone.localdate().replace(day=1) - timedelta(days=1))
        folder = Path(options["folder"])
        if not MONTH.match(month) or month_bounds(month)[0] > timezone.localdate():
            raise CommandError(f"--month : un mois passé ou en cours, AAAA-MM (reçu : {month!r}).")
        folder.mkdir(parents=True, exist_ok=True)
        documents = [
            ("audience", audience_document(month), audience_csv_rows),
            ("activite", activity_document(month), activity_csv_rows),
        ]
        for name, document, csv_rows in documents:
            path = folder / f"{name}-{month}.json"
            path.write_text(json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(str(path))
            path = folder / f"{name}-{month}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as sink:
                csv.writer(sink, delimiter=";").writerows(csv_rows(document))
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"Statistiques de {month} écrites dans {folder}."))
