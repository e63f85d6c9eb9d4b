"""The whole real reference data, in one command, twice."""

import pytest
from django.core.management.base import CommandError

from orientation.directory.models import Place
from orientation.ingestion.models import ImportRun
from orientation.occupations.models import Appellation, OnisepFiche, RomeFiche
from orientation.studies.models import Study
from orientation.territories.models import Commune
from tests.conftest import run_command

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def first_run(module_data, open_data):
    return module_data("import_open_data", str(open_data))


@pytest.mark.django_db
def test_everything_loads_in_dependency_order(first_run):
    assert first_run.index("import_territories") < first_run.index("import_places")
    assert "Données ouvertes importées" in first_run
    assert RomeFiche.objects.count() == 1056
    assert Appellation.objects.count() == 12_107
    assert OnisepFiche.objects.count() == 928
    assert Study.objects.count() == 541
    assert (
        Commune.objects.filter(latitude__isnull=False, employment_zone__isnull=False, living_area__isnull=False).count()
        >= 34_900
    )
    assert Place.objects.count() >= 3000
    assert Place.objects.located().count() >= 0.95 * Place.objects.count()
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportRun.Status.SUCCEEDED}


@pytest.mark.django_db
def test_second_run_creates_and_updates_nothing_and_says_so(first_run, open_data):
    output = run_command("import_open_data", str(open_data))
    assert output.count("Aucun changement") == 5
    assert " créés" in output
    for run in ImportRun.objects.order_by("-started_at")[:5]:
        assert (run.created, run.updated) == (0, 0)


def test_missing_subfolder_is_named(tmp_path):
    (tmp_path / "rome").mkdir()
    with pytest.raises(CommandError, match="territoires"):
        run_command("import_open_data", str(tmp_path))
