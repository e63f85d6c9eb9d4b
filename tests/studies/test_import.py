"""import_onisep_formations on the real extract of the Idéo fiches formations, and on broken copies."""

import re

import pytest
from django.core.management.base import CommandError

from orientation.ingestion.models import ImportRun, RecordProvenance
from orientation.occupations.models import RomeFiche
from orientation.studies.models import Study
from tests.conftest import assert_import_fails_and_changes_nothing, database_fingerprint, run_command

pytestmark = pytest.mark.real_data

EXTRACT = "Onisep_Ideo_Fiches_Formations_25062024_extrait.xml"


@pytest.fixture(scope="module")
def imported(module_data, open_data):
    module_data("import_rome", str(open_data / "rome"))
    module_data("import_onisep", str(open_data / "onisep"))
    return module_data("import_onisep_formations", str(open_data / "onisep" / EXTRACT))


def extract_text(open_data):
    return (open_data / "onisep" / EXTRACT).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_every_formation_of_the_extract_is_imported_with_its_links(imported, open_data):
    source = extract_text(open_data)
    assert "541 créés" in imported
    assert Study.objects.count() == source.count("<formation>") == 541
    # every métier a formation names is one of the 928 sheets: each becomes a link
    assert Study.onisep_fiches.through.objects.count() == source.count("<metier>") == 1561
    assert not Study.objects.filter(onisep_fiches__isnull=True).exists()
    # and through them the ROME fiches
    reached = RomeFiche.objects.filter(onisep_fiches__studies__isnull=False).distinct()
    assert reached.count() == 294
    assert Study.objects.exclude(rncp_code="").count() == len(
        re.findall(r"<url>https://www\.francecompetences\.fr/recherche/rncp/\d+", source)
    )


@pytest.mark.django_db
def test_a_study_keeps_what_the_file_says(imported):
    study = Study.objects.get(identifier="FOR.1000")
    assert study.title == "mastère spé. Management de la qualité, de la sécurité et de l'environnement"
    assert (study.kind, study.duration, study.level, study.certification_level) == (
        "mastère spécialisé",
        "1 an",
        "Bac + 6",
        "niveau 7 (bac + 5)",
    )
    assert study.rncp_code == "37084"
    assert study.nsf_disciplines == [{"code": "200", "label": "Spécialités pluritechnologiques de la production"}]
    assert {sheet.identifier for sheet in study.onisep_fiches.all()} == {"MET.774", "MET.878", "MET.433"}
    assert str(study.onisep_modified) == "2024-05-17"

    cap = Study.objects.get(identifier="FOR.10016")
    assert cap.further_studies[0]["kind"] == "poursuite d'études conditionnelle"
    assert "bac pro carrossier peintre automobile" in cap.further_studies[0]["studies"]
    assert cap.summary.startswith("<p>Ce CAP permet")  # the HTML fragment, unescaped and sanitised
    assert cap.authority == "Ministère chargé de l'Éducation nationale et de la Jeunesse"

    engineering = Study.objects.get(identifier="FOR.10023")
    assert engineering.publications == [
        {
            "isbn": "9782273016568",
            "title": "Ecoles d'ingénieurs",
            "publisher": "ONISEP",
            "year": "2024",
            "collection": "Dossiers",
        }
    ]


@pytest.mark.django_db
def test_a_second_run_changes_nothing(imported, open_data):
    before = database_fingerprint()
    output = run_command("import_onisep_formations", str(open_data / "onisep"))  # the folder: finds the file
    assert "Aucun changement" in output
    assert database_fingerprint() == before


@pytest.mark.django_db
def test_a_broken_file_changes_nothing(imported, open_data, tmp_path):
    content = (open_data / "onisep" / EXTRACT).read_bytes()
    truncated = tmp_path / EXTRACT
    truncated.write_bytes(content[: len(content) // 2])
    assert_import_fails_and_changes_nothing("import_onisep_formations", truncated, EXTRACT, "XML mal formé", "ligne")

    text = extract_text(open_data)
    bad_date = tmp_path / "bad-date.xml"
    bad_date.write_text(text.replace("<modification_date>17/05/2024<", "<modification_date>2024-05-17<", 1))
    message = assert_import_fails_and_changes_nothing(
        "import_onisep_formations", bad_date, "FOR.1000", "modification_date", "JJ/MM/AAAA"
    )
    assert "bad-date.xml" in message

    no_title = tmp_path / "no-title.xml"
    no_title.write_text(text.replace("<libelle_complet>mastère spé. Management", "<libelle_complet><", 1))
    # not XML any more: a broken file, named with its line
    assert_import_fails_and_changes_nothing("import_onisep_formations", no_title, "no-title.xml")

    empty_title = tmp_path / "empty-title.xml"
    empty_title.write_text(
        re.sub(r"<libelle_complet>mastère spé\. Management[^<]*</libelle_complet>", "<libelle_complet/>", text, count=1)
    )
    assert_import_fails_and_changes_nothing(
        "import_onisep_formations", empty_title, "FOR.1000", "libelle_complet", "intitulé"
    )

    wrong = tmp_path / "metiers.xml"
    wrong.write_text("<?xml version='1.0'?><metiers><metier><identifiant>MET.1</identifiant></metier></metiers>")
    assert_import_fails_and_changes_nothing("import_onisep_formations", wrong, "aucun élément <formation>")


@pytest.mark.django_db
def test_a_new_file_updates_closes_what_disappeared_and_reopens_what_returns(imported, open_data, tmp_path):
    text = extract_text(open_data)
    # the next file: FOR.1000 renamed, FOR.10016 gone
    records = text.split("    <formation>")
    gone = next(index for index, record in enumerate(records) if "<identifiant>FOR.10016<" in record)
    next_file = tmp_path / "next.xml"
    next_file.write_text(
        "    <formation>".join(records[:gone] + records[gone + 1 :]).replace(
            "Management de la qualité, de la sécurité et de l'environnement", "Management QSE", 1
        )
    )
    output = run_command("import_onisep_formations", str(next_file))
    assert "1 mis à jour" in output
    assert "539 inchangés" in output
    assert "1 étude(s) absente(s) du fichier fermée(s)" in output
    assert Study.objects.get(identifier="FOR.1000").title == "mastère spé. Management QSE"
    closed = Study.objects.get(identifier="FOR.10016")
    assert closed.closed_at is not None
    assert not Study.objects.open().filter(identifier="FOR.10016").exists()
    assert closed.onisep_fiches.exists()  # its links are kept with it

    output = run_command("import_onisep_formations", str(open_data / "onisep" / EXTRACT))
    assert "2 mis à jour" in output
    assert Study.objects.get(identifier="FOR.10016").closed_at is None
    provenance = RecordProvenance.objects.filter(external_id="FOR.10016").get()
    assert provenance.content_hash != "closed"


@pytest.mark.django_db
def test_dry_run_validates_and_saves_nothing(imported, open_data, tmp_path):
    renamed = tmp_path / "renamed.xml"
    renamed.write_text(extract_text(open_data).replace("Management de la qualité, de la sécurité", "Management", 1))
    before = database_fingerprint()
    output = run_command("import_onisep_formations", str(renamed), dry_run=True)
    assert "1 mis à jour" in output
    assert database_fingerprint() == before
    assert ImportRun.objects.order_by("-started_at").first().status == ImportRun.Status.DRY_RUN


@pytest.mark.django_db
def test_a_missing_file_is_named(imported, tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        run_command("import_onisep_formations", str(tmp_path / "absent.xml"))
    with pytest.raises(CommandError, match="aucun fichier XML Idéo fiches formations"):
        run_command("import_onisep_formations", str(tmp_path))
