"""Write the registry of labels in force as open data (CSV: one row per site; or JSON).

manage.py label_registry registre.csv
manage.py label_registry --format json --region 24 -      (to standard output)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from orientation.labels.registry import registry_csv, registry_payload
from orientation.territories.models import Region


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="fichier à écrire, ou - pour la sortie standard")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--region", help="code INSEE de la région (toutes par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"--region {options['region']!r} : aucune région de ce code.")
        today = timezone.localdate()
        payload = registry_payload(today, region)
        if options["format"] == "csv":
            text = registry_csv(payload)
        else:
            text = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if options["output"] == "-":
            sys.stdout.write(text)
            return
        path = Path(options["output"])
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)  # readers never see half a file
        sites = sum(len(label["sites"]) for label in payload)
        self.stderr.write(
            f"Registre écrit dans {path} : {len(payload)} label(s) en vigueur, {sites} site(s), au {today:%d/%m/%Y}."
        )
