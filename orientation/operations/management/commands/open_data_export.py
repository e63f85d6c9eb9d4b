"""Write the catalogue's open-data files (run nightly by the worker): the training actions, the
places, the occupations, the studies and the labels as JSON Lines (gzip), the trainings and the
places in CSV too, the training offer in LHEO 2.3 (what cannot be written is named), the places
and services in the data·inclusion schema, and the manifest that lists each file with its
schema, licence, date, size and digest (served at /donnees-ouvertes/).

    manage.py open_data_export [--folder var/open-data]
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orientation.operations.open_data import DATASETS, file_entry, write_dataset, write_lheo, write_manifest


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", default=str(settings.OPEN_DATA_EXPORT_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        folder.mkdir(parents=True, exist_ok=True)
        generated = timezone.now().isoformat()
        entries: list[dict[str, Any]] = []
        for dataset in DATASETS:
            started = time.monotonic()
            written = write_dataset(folder, dataset, generated)
            entries += written
            records = f"{written[0]['records']:,}".replace(",", " ")
            self.stdout.write(f"  {dataset.name} : {records} enregistrements en {time.monotonic() - started:.1f} s")
        started = time.monotonic()

        def lheo_progress(formations: int) -> None:  # the LHEO file takes minutes on a national offer
            if formations % 10_000 == 0:
                self.stdout.write(f"  formations (LHEO) : {formations} formations écrites…")

        entry, offer = write_lheo(folder, generated, progress=lheo_progress)
        entries.append(entry)
        self.stdout.write(
            f"  formations (LHEO) : {offer.formations} formations, {offer.actions} actions, "
            f"{offer.sessions} sessions en {time.monotonic() - started:.1f} s"
        )
        if offer.left_out:
            self.stderr.write(
                f"LHEO : {len(offer.left_out)} enregistrements laissés de côté, faute d’un champ requis :"
            )
            for item in offer.left_out[:20]:
                self.stderr.write(f"  {item}")
            if len(offer.left_out) > 20:
                self.stderr.write(f"  … et {len(offer.left_out) - 20} autres")
        try:
            call_command("export_datainclusion", str(folder), stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:  # the schema's files missing, or a record the schema refuses
            self.stderr.write(f"data·inclusion non exporté : {error}")
        else:
            for name, title in (("structures.json", "Lieux (data·inclusion, structures)"),
                                ("services.json", "Services (data·inclusion, services)")):  # fmt: skip
                entries.append(
                    file_entry(
                        folder / name,
                        dataset="datainclusion",
                        title=title,
                        fmt="JSON, schéma data·inclusion v1",
                        records=None,
                        schema="https://schema.data.gouv.fr/gip-inclusion/data-inclusion-schema/",
                        generated=generated,
                    )
                )
        write_manifest(folder, entries)
        self.stdout.write(self.style.SUCCESS(f"Données ouvertes écrites dans {folder} ({len(entries)} fichiers)."))
