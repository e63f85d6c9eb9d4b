"""Import all the real reference data of an open-data folder, in dependency order.

DIR has the layout of ``../shared/data``: ``territoires/``, ``rome/``, ``onisep/``,
``lieux/``. Territories come first (places are geocoded against them), then the
ROME, then Onisep's métiers (linked to ROME fiches) and formations (linked to the
métiers), then the places. Each step is one transaction; a failed step stops the
sequence and leaves that step's data as it was.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

STEPS = [
    ("import_territories", "territoires"),
    ("import_rome", "rome"),
    ("import_onisep", "onisep"),
    ("import_onisep_formations", "onisep"),
    ("import_places", "lieux"),
]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="dossier de données ouvertes (disposition de ../shared/data)")
        parser.add_argument("--dry-run", action="store_true", help="tout valider sans rien enregistrer")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["path"])
        if not folder.is_dir():
            raise CommandError(f"{folder} : dossier introuvable")
        missing = [sub for _command, sub in STEPS if not (folder / sub).is_dir()]
        if missing:
            raise CommandError(f"{folder} : sous-dossier(s) absent(s) : {', '.join(missing)}")
        started = time.monotonic()
        for index, (command, sub) in enumerate(STEPS, start=1):
            self.stdout.write(f"[{index}/{len(STEPS)}] {command} {folder / sub}")
            try:
                call_command(
                    command, str(folder / sub), dry_run=options["dry_run"], stdout=self.stdout, stderr=self.stderr
                )
            except CommandError as error:
                raise CommandError(f"étape {command} en échec, étapes suivantes non lancées : {error}") from error
        self.stdout.write(f"Données ouvertes importées en {time.monotonic() - started:.1f} s.")
