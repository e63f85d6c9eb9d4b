"""The label's commands for operators: the daily task, the registry as open data, coverage."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
import time_machine
from django.core.management.base import CommandError

from tests.conftest import run_command
from tests.labels.conftest import grant_label


@pytest.fixture
def label(world, grouping):
    return grant_label(world.centre, grouping, date(2027, 3, 1))


def test_labels_daily_says_what_it_did(label):
    output = run_command("labels_daily", "--date", "2031-12-01")  # 3 months before expiry
    assert "1 rappels de renouvellement" in output
    assert "1 labels arrivés à échéance" in run_command("labels_daily", "--date", "2032-03-01")  # expired on 1 March
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        run_command("labels_daily", "--date", "01/03/2032")


def test_label_registry_writes_the_open_data_file(label, tmp_path):
    with time_machine.travel(date(2027, 6, 1), tick=False):
        output = run_command("label_registry", str(tmp_path / "registre.csv"))
        run_command("label_registry", str(tmp_path / "registre.json"), "--format", "json", "--region", "24")
        assert "1 label(s) en vigueur, 3 site(s)" in output
        with pytest.raises(CommandError, match="aucune région"):
            run_command("label_registry", "-", "--region", "99")
    rows = list(csv.DictReader((tmp_path / "registre.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {row["site"] for row in rows} == {
        "Accueil de Blois",
        "Accueil de Vendôme",
        "Accueil de Romorantin-Lanthenay",
    }
    [record] = json.loads((tmp_path / "registre.json").read_text(encoding="utf-8"))
    assert record["expires_on"] == "2032-03-01"


def test_label_coverage_prints_each_region_and_its_bassins_de_vie(label):
    with time_machine.travel(date(2027, 6, 1), tick=False):
        national = run_command("label_coverage")
        detail = run_command("label_coverage", "--region", "24")
    # Blois, Vendôme and Romorantin-Lanthenay are served; Tours is not: 3 of 4 communes.
    assert any(line.startswith("Centre-Val de Loire") and " 3 / 4 " in line for line in national.splitlines())
    assert any(line.startswith("Tours (37261)") and " 0 / 1 " in line for line in detail.splitlines())
