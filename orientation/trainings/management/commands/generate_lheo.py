"""Write a realistic LHEO 2.3 feed, for benchmarks and volume tests.

    manage.py generate_lheo --actions 230000 --seed 1 OUT.xml

Vocabulary comes from the real open data (ROME, Formacode, communes): --open-data,
else ORIENTATION_OPEN_DATA, else ../shared/data beside the project.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orientation.trainings.generator import generate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="fichier XML à écrire")
        parser.add_argument("--actions", type=int, default=1000, help="nombre d’actions (défaut : %(default)s)")
        parser.add_argument("--seed", type=int, default=1, help="graine : la même graine donne le même fichier")
        parser.add_argument("--open-data", default=None, help="dossier des données ouvertes")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["open_data"] or settings.OPEN_DATA_DIR or settings.BASE_DIR.parent / "shared" / "data")
        if not (folder / "rome").is_dir():
            raise CommandError(f"{folder} : données ouvertes introuvables (--open-data)")
        if options["actions"] < 1:
            raise CommandError("--actions doit être positif")
        started = time.monotonic()
        last = [0.0]

        def progress(done: int) -> None:
            now = time.monotonic()
            if now - last[0] > 2:
                last[0] = now
                self.stderr.write(f"  {done:,}/{options['actions']:,} actions".replace(",", " "))

        formations = generate(
            Path(options["out"]), actions=options["actions"], seed=options["seed"], open_data=folder, progress=progress
        )
        size = Path(options["out"]).stat().st_size / 1024**2
        self.stdout.write(
            f"{options['out']} : {formations} formations, {options['actions']} actions, {size:.1f} Mo "
            f"en {time.monotonic() - started:.1f} s"
        )
