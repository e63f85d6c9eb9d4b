"""import_rome and import_onisep on the real files, and on broken copies."""

import contextlib
import csv

import pytest
from django.core.management.base import CommandError

from orientation.ingestion.models import ImportRun
from orientation.occupations.models import Appellation, FicheSkill, MobilityLink, OnisepFiche, RomeFiche, Skill
from tests.conftest import assert_import_fails_and_changes_nothing, database_fingerprint, run_command

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def imported(module_data, open_data):
    rome = module_data("import_rome", str(open_data / "rome"))
    onisep = module_data("import_onisep", str(open_data / "onisep"))
    return rome, onisep


@pytest.mark.django_db
def test_rome_is_complete(imported):
    rome_output, _onisep_output = imported
    assert "0 rejetés" in rome_output
    assert RomeFiche.objects.count() == 1056
    assert Appellation.objects.count() == 12_107
    assert MobilityLink.objects.count() >= 10_000
    assert Skill.objects.filter(kind=Skill.Kind.KNOW_HOW).count() > 10_000


@pytest.mark.django_db
def test_a_fiche_carries_its_texts_tree_flags_and_links(imported):
    fiche = RomeFiche.objects.with_page_relations().get(code="J1506")
    assert fiche.title == "Infirmier / Infirmière en soins généraux (IDE)"
    assert fiche.domaine.code == "J15"
    assert fiche.domaine.grand_domaine.code == "J"
    # The export doubles apostrophes; the text must read normally.
    assert fiche.definition.startswith("L'Infirmier en soins généraux (IDE) dispense des soins")
    assert "''" not in fiche.definition
    assert "Diplôme d'État d'Infirmier" in fiche.access
    assert fiche.is_regulated is True
    assert fiche.riasec_major == "S"
    main = fiche.appellations.get(is_main=True)
    assert (main.masculine, main.feminine) == (
        "Infirmier en soins généraux (IDE)",
        "Infirmière en soins généraux (IDE)",
    )
    orders = [link.order for link in fiche.mobility_links.all()]
    assert orders == sorted(orders)
    assert fiche.skill_links.filter(importance=FicheSkill.Importance.CORE).exists()
    assert fiche.interest_centres.exists()
    assert fiche.sectors.exists()


@pytest.mark.django_db
def test_onisep_sheets_are_linked_to_existing_rome_fiches(imported):
    _rome, onisep_output = imported
    assert OnisepFiche.objects.count() == 928
    with_codes = OnisepFiche.objects.exclude(rome_codes=[])
    for sheet in with_codes.prefetch_related("rome_fiches"):
        existing = set(RomeFiche.objects.filter(code__in=sheet.rome_codes).values_list("code", flat=True))
        assert {fiche.code for fiche in sheet.rome_fiches.all()} == existing, sheet.identifier
    assert "A15 (MET.323)" in onisep_output  # the one malformed code is reported
    nurse = OnisepFiche.objects.get(rome_fiches__code="J1506", name="infirmier/ère")
    assert nurse.name_feminine == "infirmière"
    assert nurse.hook.startswith("<p>")
    assert "<script" not in "".join(OnisepFiche.objects.values_list("hook", flat=True))
    controller = OnisepFiche.objects.get(identifier="MET.1")
    assert {synonym.masculine for synonym in controller.synonyms.all()} == {
        "aiguilleur du ciel",
        "ingénieur du contrôle de la navigation aérienne",
    }
    assert controller.related.filter(identifier="MET.400").exists()


@pytest.mark.django_db
def test_second_runs_change_nothing(imported, open_data):
    assert "Aucun changement" in run_command("import_rome", str(open_data / "rome"))
    assert "Aucun changement" in run_command("import_onisep", str(open_data / "onisep"))


def rewrite_csv_row(path, line_index, column, value):
    """Set one field of one row of a ROME CSV copy, quoting as France Travail does."""
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header = rows[0]
    rows[line_index][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)


@pytest.mark.django_db
def test_dry_run_validates_and_saves_nothing(imported, open_data, broken_copy):
    folder = broken_copy(open_data / "rome")
    rewrite_csv_row(folder / "unix_referentiel_code_rome_v458_utf8.csv", 1, "libelle_rome", "Intitulé modifié")
    before = database_fingerprint()
    output = run_command("import_rome", str(folder), dry_run=True)
    assert "ESSAI À BLANC" in output
    assert "fiches ROME 0/1/1055" in output
    assert database_fingerprint() == before
    assert ImportRun.objects.order_by("-started_at").first().status == ImportRun.Status.DRY_RUN
    output = run_command("import_rome", str(folder))
    assert "fiches ROME 0/1/1055" in output
    assert RomeFiche.objects.get(code="A1101").title == "Intitulé modifié"


@pytest.mark.django_db
def test_any_version_number_is_accepted_and_optional_files_are_reported(imported, open_data, broken_copy):
    folder = broken_copy(open_data / "rome")
    for path in folder.glob("*_v458_*"):
        path.rename(path.with_name(path.name.replace("_v458_", "_v460_")))
    (folder / "unix_texte_v460_utf8.csv").unlink()
    output = run_command("import_rome", str(folder))
    assert "ROME v460" in output
    assert "texte" in output.split("fichiers facultatifs absents")[1].splitlines()[0]
    assert RomeFiche.objects.get(code="J1506").definition == ""  # texts gone with the file


@pytest.mark.django_db
def test_missing_required_file_stops(imported, open_data, broken_copy):
    folder = broken_copy(open_data / "rome")
    (folder / "unix_referentiel_appellation_v458_utf8.csv").unlink()
    assert_import_fails_and_changes_nothing(
        "import_rome", folder, "unix_referentiel_appellation_v458_utf8.csv", "obligatoire"
    )


@pytest.mark.django_db
def test_broken_appellation_row_names_file_line_and_field(imported, open_data, broken_copy):
    folder = broken_copy(open_data / "rome")
    rewrite_csv_row(folder / "unix_referentiel_appellation_v458_utf8.csv", 5, "code_rome", "ZZ999")
    assert_import_fails_and_changes_nothing(
        "import_rome", folder, "unix_referentiel_appellation_v458_utf8.csv", "ligne 6", "code_rome", "ZZ999"
    )


@pytest.mark.django_db
def test_truncated_onisep_xml_stops_with_its_line(imported, open_data, tmp_path):
    source = next((open_data / "onisep").glob("*.xml"))
    content = source.read_bytes()
    broken = tmp_path / source.name
    broken.write_bytes(content[: len(content) * 2 // 3])
    assert_import_fails_and_changes_nothing("import_onisep", broken, source.name, "ligne", "XML mal formé")


@pytest.mark.django_db
def test_onisep_entity_bomb_is_refused_without_expanding(imported, tmp_path):
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};&a{i - 1};">' for i in range(1, 12))
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE metiers [{entities}]><metiers><metier><identifiant>MET.99999</identifiant>'
        "<nom_metier>&a11;</nom_metier></metier></metiers>"
    )
    before = database_fingerprint()
    with contextlib.suppress(CommandError):
        run_command("import_onisep", str(bomb))
    assert database_fingerprint() == before or len(OnisepFiche.objects.get(identifier="MET.99999").name) < 1000
