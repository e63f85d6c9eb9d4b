"""Export our places and service offers in the data·inclusion schema v1.

    manage.py export_datainclusion DIR [--with-deduced]

Writes ``DIR/structures.json`` (one structure per place, carrying its organisation)
and ``DIR/services.json`` (one service per offer), each a JSON array with one record
per line. Every record is validated against the schema before it is written; the
files appear only when the whole export is valid, so a consumer never reads half an
export. Places known as duplicates of another are left out (their canonical place is
exported), and so are the base offers we deduce from a network's typology, unless
--with-deduced asks for them: they are our reading, not what the organisation said.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orientation.directory import datainclusion
from orientation.directory.models import Place, ServiceOffer
from orientation.ingestion.base import Progress

#: problems listed before the export gives up
MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="dossier où écrire structures.json et services.json")
        parser.add_argument(
            "--with-deduced", action="store_true", help="exporter aussi les offres de base déduites de la typologie"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["path"])
        folder.mkdir(parents=True, exist_ok=True)
        try:
            datainclusion.validators()
        except datainclusion.SchemaUnavailable as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()
        self.problems: list[str] = []
        self.structure_ids: dict[int, str] = {}
        structures = self._write(folder / "structures.json", self._structures(), "structure")
        services = self._write(folder / "services.json", self._services(options["with_deduced"]), "service")
        if self.problems:
            for name in ("structures.json", "services.json"):
                (folder / f".{name}.tmp").unlink(missing_ok=True)
            shown = "\n".join(f"  - {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN])
            raise CommandError(
                f"{len(self.problems)} enregistrement(s) non conformes au schéma ; rien n’a été écrit :\n{shown}"
            )
        for name in ("structures.json", "services.json"):
            os.replace(folder / f".{name}.tmp", folder / name)
        self.stdout.write(
            f"Export data·inclusion en {time.monotonic() - started:.1f} s : {structures} structures, "
            f"{services} services, conformes au schéma, dans {folder}"
        )

    def _write(self, target: Path, records: Iterator[dict[str, Any]], kind: str) -> int:
        count = 0
        progress = Progress(self.stderr, target.name, None, interactive=self.stderr.isatty())
        with open(target.parent / f".{target.name}.tmp", "w", encoding="utf-8") as handle:
            handle.write("[")
            for record in records:
                for problem in datainclusion.schema_problems(kind, record):
                    self.problems.append(f"{target.name}, {record['id']}, champ « {problem.field} » : {problem.reason}")
                self._dump(handle, record, first=count == 0)
                count += 1
                progress.advance()
            handle.write("\n]\n")
        progress.finish()
        return count

    @staticmethod
    def _dump(handle: IO[str], record: dict[str, Any], *, first: bool) -> None:
        compact = {key: value for key, value in record.items() if value is not None}
        handle.write(("\n" if first else ",\n") + json.dumps(compact, ensure_ascii=False, separators=(",", ":")))

    def _structures(self) -> Iterator[dict[str, Any]]:
        places = (
            Place.objects.canonical().select_related("organisation", "commune").order_by("pk").iterator(chunk_size=2000)
        )
        for place in places:
            updated = timezone.localtime(max(place.updated_at, place.organisation.updated_at)).date()
            record = datainclusion.structure_record(place, updated=updated)
            self.structure_ids[place.pk] = record["id"]
            yield record

    def _services(self, with_deduced: bool) -> Iterator[dict[str, Any]]:
        first_place: dict[int, int] = {}
        for organisation_id, pk in Place.objects.canonical().order_by("-pk").values_list("organisation_id", "pk"):
            first_place[organisation_id] = pk
        offers = ServiceOffer.objects.select_related("place").order_by("pk")
        if not with_deduced:
            offers = offers.exclude(origin=ServiceOffer.Origin.TYPOLOGY)
        for offer in offers.iterator(chunk_size=2000):
            place_id: int | None = offer.place_id
            if offer.place is not None and offer.place.duplicate_of_id:
                place_id = offer.place.duplicate_of_id
            if place_id is None:
                place_id = first_place.get(offer.organisation_id)
            structure_id = self.structure_ids.get(place_id) if place_id else None
            if structure_id is None:
                continue  # an organisation without any place: nothing to attach the service to
            yield datainclusion.service_record(
                offer, structure_id=structure_id, updated=timezone.localtime(offer.updated_at).date()
            )
