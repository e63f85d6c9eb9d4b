"""The nightly open-data files: each dataset whole (JSON Lines and CSV), the same records as the
API's pages, the data·inclusion export beside them, a manifest that says schema, licence, date,
size and digest, the page that lists them and serves only them."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from lxml import etree

from orientation.operations.open_data import read_manifest
from orientation.studies.models import Study
from orientation.trainings.models import Action
from tests.conftest import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(settings, tmp_path):
    settings.OPEN_DATA_EXPORT_DIR = tmp_path / "open-data"
    run_command("load_demo_data")
    output = run_command("open_data_export")
    return settings.OPEN_DATA_EXPORT_DIR, output


def test_the_files_hold_the_catalogue_as_the_api_gives_it(client, exported):
    folder, output = exported
    assert "Données ouvertes écrites" in output
    with gzip.open(folder / "formations.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    assert len(records) == Action.objects.open().count()
    first = client.get("/api/v1/trainings", {"limit": 1000}).json()["results"]
    assert {record["id"]: record["title"] for record in records} == {item["id"]: item["title"] for item in first}
    with gzip.open(folder / "formations.csv.gz", "rt", encoding="utf-8-sig") as table:
        header = table.readline().strip().split(";")
        assert header[:3] == ["id", "number", "title"]
        assert sum(1 for _line in table) == len(records)
    manifest = read_manifest(folder)
    files = {entry["file"]: entry for entry in manifest["files"]}
    assert {"formations.jsonl.gz", "lieux.csv.gz", "metiers.jsonl.gz", "etudes.jsonl.gz", "labels.jsonl.gz",
            "structures.json", "services.json"} <= set(files)  # fmt: skip
    assert files["etudes.jsonl.gz"]["licence"].startswith("Open Database License")
    assert files["etudes.jsonl.gz"]["records"] == Study.objects.open().count()
    assert (
        files["formations.jsonl.gz"]["sha256"]
        == hashlib.sha256((folder / "formations.jsonl.gz").read_bytes()).hexdigest()
    )
    assert not list(folder.glob(".*.tmp"))  # nothing half-written left


@pytest.mark.real_data
def test_the_offer_in_lheo_is_valid_and_whole(exported, open_data):
    folder, output = exported
    assert "formations (LHEO)" in output
    entry = {item["file"]: item for item in read_manifest(folder)["files"]}["formations.lheo.xml.gz"]
    with gzip.open(folder / "formations.lheo.xml.gz", "rb") as xml:
        document = etree.parse(xml)
    schema = etree.XMLSchema(etree.parse(str(open_data / "lheo" / "lheo.xsd")))
    assert schema.validate(document), schema.error_log
    actions = {element.get("numero") for element in document.iter("{http://lheo.gouv.fr/2.3}action")}
    assert actions == set(Action.objects.open().values_list("number", flat=True))
    assert entry["records"] == len(actions)
    assert entry["format"] == "XML LHEO 2.3 (gzip)"


def test_the_page_lists_the_files_and_serves_only_them(client, exported):
    page = client.get("/donnees-ouvertes/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "formations.jsonl.gz" in text
    assert "Licence Ouverte 2.0" in text
    assert "Set-Cookie" not in page.headers
    download = client.get("/donnees-ouvertes/formations.jsonl.gz")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/gzip"
    assert client.get("/donnees-ouvertes/manifest.json").status_code == 404  # not a listed file
    assert client.get("/donnees-ouvertes/..%2Fdb%2Fdemo.sqlite3").status_code == 404


def test_the_page_says_when_no_file_is_written_yet(client, settings, tmp_path):
    settings.OPEN_DATA_EXPORT_DIR = tmp_path / "nothing"
    assert "ne sont pas encore écrits" in client.get("/donnees-ouvertes/").content.decode()
