"""The catalogue as open data: one record per training action, place, occupation, study and label,
written the same way in the API's pages (``api.catalogue``) and in the nightly files
(``open_data_export``), each file listed in a manifest with its schema, licence and date.

Files are JSON Lines (one record a line) compressed with gzip, with a CSV of the trainings and
places, the training offer in LHEO 2.3, and the places and services in the data·inclusion
schema. A file appears only whole: it is written under a temporary name, then renamed.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from orientation.directory.models import Place, PlaceQuerySet
from orientation.labels.models import Label
from orientation.occupations.models import RomeFiche
from orientation.studies.models import ATTRIBUTION, Study
from orientation.studies.models import LICENCE_URL as ODBL_URL
from orientation.trainings.lheo_export import Written, write_offer
from orientation.trainings.models import Action
from orientation.utils.documents import LICENCE, LICENCE_URL

ODBL = "Open Database License (ODbL) 1.0"
MANIFEST = "manifest.json"


def training_item(action: Action) -> dict[str, Any]:
    """An action with its formation and providers loaded."""
    formation = action.formation
    return {
        "id": action.pk,
        "number": action.number,
        "title": formation.title,
        "provider": (action.provider or formation.provider).name,
        "city": action.city,
        "postcode": action.postcode,
        "commune_code": action.commune.code if action.commune else None,
        "latitude": action.latitude,
        "longitude": action.longitude,
        "hours_total": action.hours_total,
        "is_work_study": action.is_work_study,
        "rncp_codes": formation.rncp_codes,
        "rome_codes": formation.rome_codes,
        "updated_at": action.updated_at,
        "closed": action.closed_at is not None or formation.closed_at is not None,
    }


def training_rows() -> QuerySet[Action]:
    return Action.objects.select_related("formation", "formation__provider", "provider", "commune")


def place_item(place: Place) -> dict[str, Any]:
    return {
        "id": place.pk,
        "name": place.name,
        "organisation": place.organisation.name,
        "typology": place.organisation.typology,
        "address": place.address,
        "postcode": place.postcode,
        "city": place.commune.name if place.commune else place.city,
        "commune_code": place.commune.code if place.commune else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "phone": place.phone,
        "email": place.email,
        "website": place.website,
        "updated_at": place.updated_at,
        "merged_into": place.duplicate_of_id,
    }


def place_rows() -> PlaceQuerySet:
    return Place.objects.select_related("organisation", "commune")


def occupation_item(fiche: RomeFiche) -> dict[str, Any]:
    return {
        "code": fiche.code,
        "title": fiche.title,
        "domaine": fiche.domaine.code if fiche.domaine else None,
        "riasec_major": fiche.riasec_major,
        "riasec_minor": fiche.riasec_minor,
        "updated_at": fiche.updated_at,
    }


def occupation_rows() -> QuerySet[RomeFiche]:
    return RomeFiche.objects.select_related("domaine")


def study_item(study: Study) -> dict[str, Any]:
    return {
        "identifier": study.identifier,
        "title": study.title,
        "kind": study.kind,
        "level": study.level,
        "duration": study.duration,
        "rncp_code": study.rncp_code,
        "url": study.onisep_url,
        "updated_at": study.updated_at,
        "closed": study.closed_at is not None,
    }


def label_item(label: Label) -> dict[str, Any]:
    return {
        "id": label.pk,
        "applicant": label.application.applicant_name,
        "region": label.region.code,
        "state": label.state,
        "granted_on": label.granted_on,
        "expires_on": label.expires_on,
        "ended_on": label.ended_on,
        "updated_at": label.updated_at,
        "closed": label.state != Label.State.ACTIVE,
    }


def label_rows() -> QuerySet[Label]:
    return Label.objects.select_related("application__grouping", "application__organisation", "region")


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    #: every row, the closed ones included (what ``updated_since=`` reads)
    rows: Callable[[], QuerySet[Any]]
    #: the rows on offer today (the nightly file, a first sync)
    current: Callable[[], QuerySet[Any]]
    item: Callable[[Any], dict[str, Any]]
    #: where the schema of a record is documented (the API operation that answers the same records)
    schema: str
    licence: str = LICENCE
    licence_url: str = LICENCE_URL
    csv: bool = False
    attribution: str = ""


DATASETS = [
    Dataset(
        "formations",
        "Actions de formation continue ouvertes",
        training_rows,
        lambda: training_rows().filter(closed_at__isnull=True, formation__closed_at__isnull=True),
        training_item,
        "/api/v1/openapi.json#/components/schemas/TrainingItemOut",
        csv=True,
    ),
    Dataset(
        "lieux",
        "Lieux d’accueil (un par lieu réel)",
        place_rows,
        lambda: place_rows().canonical(),
        place_item,
        "/api/v1/openapi.json#/components/schemas/PlaceItemOut",
        csv=True,
    ),
    Dataset(
        "metiers",
        "Fiches métiers du ROME 4.0",
        occupation_rows,
        occupation_rows,
        occupation_item,
        "/api/v1/openapi.json#/components/schemas/OccupationItemOut",
    ),
    Dataset(
        "etudes",
        "Études (fiches formations Idéo de l’Onisep)",
        Study.objects.all,
        lambda: Study.objects.open(),
        study_item,
        "/api/v1/openapi.json#/components/schemas/StudyItemOut",
        licence=ODBL,
        licence_url=ODBL_URL,
        attribution=ATTRIBUTION,
    ),
    Dataset(
        "labels",
        "Labels « Orientation pour tous » attribués, en vigueur ou terminés",
        label_rows,
        label_rows,
        label_item,
        "/api/v1/openapi.json#/components/schemas/LabelItemOut",
    ),
]


DATASET = {dataset.name: dataset for dataset in DATASETS}


def _records(dataset: Dataset) -> Iterator[dict[str, Any]]:
    for row in dataset.current().order_by("pk").iterator(chunk_size=2000):
        yield dataset.item(row)


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def file_entry(
    path: Path,
    *,
    dataset: str,
    title: str,
    fmt: str,
    records: int | None,
    schema: str,
    generated: str,
    licence: str = LICENCE,
    licence_url: str = LICENCE_URL,
    attribution: str = "",
) -> dict[str, Any]:
    """A file's line in the manifest."""
    return {
        "file": path.name,
        "dataset": dataset,
        "title": title,
        "format": fmt,
        "records": records,
        "bytes": path.stat().st_size,
        "sha256": file_digest(path),
        "schema": schema,
        "licence": licence,
        "licence_url": licence_url,
        "attribution": attribution,
        "generated_at": generated,
    }


def _entry(path: Path, dataset: Dataset, fmt: str, records: int, generated: str) -> dict[str, Any]:
    return file_entry(
        path,
        dataset=dataset.name,
        title=dataset.title,
        fmt=fmt,
        records=records,
        schema=dataset.schema,
        generated=generated,
        licence=dataset.licence,
        licence_url=dataset.licence_url,
        attribution=dataset.attribution,
    )


def write_dataset(folder: Path, dataset: Dataset, generated: str) -> list[dict[str, Any]]:
    """The dataset's files, each renamed into place once whole; their manifest entries."""
    jsonl = folder / f"{dataset.name}.jsonl.gz"
    table = folder / f"{dataset.name}.csv.gz"
    temporary = [folder / f".{jsonl.name}.tmp", folder / f".{table.name}.tmp"]
    count = 0
    writer: Any = None
    with contextlib.ExitStack() as files:
        lines = files.enter_context(gzip.open(temporary[0], "wt", encoding="utf-8"))
        text = (
            files.enter_context(gzip.open(temporary[1], "wt", encoding="utf-8-sig", newline=""))
            if dataset.csv
            else None
        )
        for record in _records(dataset):
            lines.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
            if text is not None:
                if writer is None:
                    writer = csv.DictWriter(text, fieldnames=list(record), delimiter=";")
                    writer.writeheader()
                writer.writerow({key: _cell(value) for key, value in record.items()})
            count += 1
    os.replace(temporary[0], jsonl)
    entries = [_entry(jsonl, dataset, "JSON Lines (gzip)", count, generated)]
    if dataset.csv:
        os.replace(temporary[1], table)
        entries.append(_entry(table, dataset, "CSV « ; » (gzip)", count, generated))
    return entries


def write_lheo(
    folder: Path, generated: str, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, Any], Written]:
    """The offer on line in LHEO 2.3 (``trainings.lheo_export``), gzip, renamed into place once
    whole; its manifest entry, and what was written and left out. ``progress`` hears the count
    of formations written, every thousand."""
    path = folder / "formations.lheo.xml.gz"
    temporary = folder / f".{path.name}.tmp"
    with gzip.open(temporary, "wb") as target:
        written = write_offer(target, progress=progress)
    os.replace(temporary, path)
    entry = file_entry(
        path,
        dataset="formations",
        title="Offre de formation continue ouverte, au format LHEO 2.3",
        fmt="XML LHEO 2.3 (gzip)",
        records=written.actions,
        schema="http://lheo.gouv.fr/2.3 (lheo.xsd)",
        generated=generated,
    )
    return entry, written


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if value is None:
        return ""
    return value


def write_manifest(folder: Path, entries: list[dict[str, Any]]) -> Path:
    path = folder / MANIFEST
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(
        json.dumps({"generated_at": timezone.now().isoformat(), "files": entries}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    os.replace(temporary, path)
    return path


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
