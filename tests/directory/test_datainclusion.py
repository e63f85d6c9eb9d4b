"""Places and services exchanged in the data·inclusion schema v1: import, export, duplicates."""

import json

import jsonschema
import pytest

from orientation.directory.models import Place, ServiceOffer
from orientation.ingestion.models import Reject
from tests.conftest import assert_import_fails_and_changes_nothing, run_command

pytestmark = [pytest.mark.real_data, pytest.mark.django_db]


@pytest.fixture
def schema(open_data, settings):
    folder = open_data / "data-inclusion" / "schema-v1"
    settings.DATA_INCLUSION_SCHEMA_DIR = folder
    loaded = {}
    for kind in ("structure", "service"):
        document = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
        loaded[kind] = jsonschema.Draft202012Validator(
            document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
    return loaded


@pytest.fixture
def demo():
    run_command("load_demo_data")


def write(path, records):
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


STRUCTURE = {
    "source": "dora",
    "id": "dora--cio-blois",
    "nom": "CIO de Blois",
    "date_maj": "2026-10-01",
    "siret": "19410000100018",
    "adresse": "91 av. Jean-Jaurès",
    "code_postal": "41000",
    "commune": "Blois",
    "horaires_accueil": "Mo-Fr 09:00-12:30,13:30-17:00",
    "reseaux_porteurs": ["mission-locale"],
}
SERVICE = {
    "source": "dora",
    "id": "dora--entretien",
    "structure_id": "dora--cio-blois",
    "nom": "Entretien d’orientation",
    "description": "Un entretien individuel pour construire son projet.",
    "date_maj": "2026-10-01",
    "type": "accompagnement",
    "thematiques": ["choisir-un-metier--confirmer-son-choix-de-metier"],
    "publics": ["jeunes"],
    "frais": "gratuit",
    "modes_accueil": ["en-presentiel"],
}


def test_the_standard_examples_import_with_their_v0_fields_converted(schema, open_data):
    for example in sorted((open_data / "data-inclusion").glob("example_*.json")):
        output = run_command("import_datainclusion", str(example), source=f"exemple-{example.stem[-1]}")
        assert "0 rejetés" in output, output
    assert Place.objects.filter(name="MOBILETTE").count() == 3
    detailed = Place.objects.get(name="MOBILETTE", organisation__siret="60487647500499", email="julie@example.net")
    assert detailed.organisation.typology == "ASSO"
    assert detailed.organisation.description.startswith("L’association Mobilette propose")
    assert detailed.hours.weekly_lines()[0] == ("lundi", "10 h–20 h")
    assert (detailed.latitude, detailed.longitude) == (48.7703, 7.848133)
    output = run_command(
        "import_datainclusion", str(open_data / "data-inclusion" / "example_002.json"), source="exemple-2"
    )
    assert "Aucun changement" in output


def test_structures_and_services_go_in_and_a_second_run_changes_nothing(schema, demo, tmp_path):
    feed = write(tmp_path / "dora.json", [SERVICE, STRUCTURE])  # a service may come before its structure
    output = run_command("import_datainclusion", str(feed), source="dora")
    assert "0 rejetés" in output
    place = Place.objects.get(name="CIO de Blois")
    assert place.commune.name == "Blois"
    assert place.geocoding_precision == Place.GeocodingPrecision.COMMUNE
    assert place.organisation.typology == "ML"
    assert place.hours.weekly_lines()[0] == ("lundi", "9 h–12 h 30, 13 h 30–17 h")
    offer = ServiceOffer.objects.get(name="Entretien d’orientation")
    assert (offer.place, offer.organisation, offer.level, offer.origin) == (
        place,
        place.organisation,
        "second",
        ServiceOffer.Origin.DECLARED,
    )
    assert "Aucun changement" in run_command("import_datainclusion", str(feed), source="dora")


def test_invalid_records_are_rejected_with_their_id_field_and_reason(schema, demo, tmp_path):
    feed = write(
        tmp_path / "mixed.json",
        [
            STRUCTURE,
            {**STRUCTURE, "id": "dora--court", "code_postal": "4100"},
            {key: value for key, value in STRUCTURE.items() if key != "nom"} | {"id": "dora--sans-nom"},
            {**SERVICE, "id": "dora--theme", "thematiques": ["cuisine--recettes"]},
            {**SERVICE, "id": "dora--orphelin", "structure_id": "dora--inconnue"},
            SERVICE,
        ],
    )
    output = run_command("import_datainclusion", str(feed), source="dora", max_reject_share=1)
    assert "4 rejetés" in output
    rejects = {(r.record, r.field): r.reason for r in Reject.objects.all()}
    assert rejects[("dora--court", "code_postal")] == "texte de moins de 5 caractères"
    assert rejects[("dora--sans-nom", "nom")] == "champ obligatoire absent"
    assert rejects[("dora--theme", "thematiques.0")] == 'valeur "cuisine--recettes" hors de la liste du schéma'
    assert "structure 'dora--inconnue' inconnue" in rejects[("dora--orphelin", "structure_id")]
    assert Place.objects.filter(name="CIO de Blois").count() == 1
    assert ServiceOffer.objects.filter(name="Entretien d’orientation").count() == 1


def test_too_many_bad_records_change_nothing(schema, demo, tmp_path):
    feed = write(tmp_path / "bad.json", [STRUCTURE, {**STRUCTURE, "id": "x", "date_maj": "hier"}])
    message = assert_import_fails_and_changes_nothing("import_datainclusion", feed, "date_maj", source="dora")
    assert "format date attendu" in message


def test_export_of_our_directory_validates_against_the_schema(schema, demo, tmp_path):
    output = run_command("export_datainclusion", str(tmp_path), with_deduced=True)
    structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert len(structures) == Place.objects.count() == 100
    assert len(services) == ServiceOffer.objects.count() == 190
    for record in structures:
        schema["structure"].validate(record)
    for record in services:
        schema["service"].validate(record)
    assert {service["structure_id"] for service in services} <= {structure["id"] for structure in structures}
    assert "100 structures, 190 services, conformes au schéma" in output
    blois = next(record for record in structures if record["nom"] == "Mission locale de Blois")
    assert blois["code_insee"] == "41018"
    assert blois["reseaux_porteurs"] == ["mission-locale"]
    assert blois["horaires_accueil"] == "Mo-Fr 09:00-12:30,13:30-17:00"


def test_an_export_that_would_break_the_schema_writes_nothing(schema, demo, tmp_path):
    ServiceOffer.objects.filter(pk=ServiceOffer.objects.order_by("pk").first().pk).update(themes=["pas-un-theme"])
    with pytest.raises(Exception, match="non conformes au schéma ; rien n’a été écrit") as error:
        run_command("export_datainclusion", str(tmp_path), with_deduced=True)
    assert "thematiques.0" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_the_same_place_from_two_providers_is_linked_and_shown_once(schema, demo, tmp_path, client):
    run_command("export_datainclusion", str(tmp_path / "ours"), with_deduced=True)
    canonical_before = Place.objects.canonical().count()
    output = run_command("import_datainclusion", str(tmp_path / "ours"), source="partenaire")
    assert "100 lieu(x) déjà connus d’un autre fournisseur, liés comme doublons" in output
    assert Place.objects.count() == 2 * canonical_before
    assert Place.objects.canonical().count() == canonical_before
    copy = Place.objects.filter(duplicate_of__isnull=False).first()
    assert copy.name == copy.duplicate_of.name
    assert copy.pk > copy.duplicate_of.pk
    home = client.get("/").content.decode()
    assert f"{canonical_before}" in home

    # One page per real place: the copy's address leads to the canonical place.
    response = client.get(f"/lieux/{copy.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/lieux/{copy.duplicate_of_id}/"
    page = client.get(response["Location"]).content.decode()
    assert copy.name in page
    assert "Informations publiées par" in page
    assert "partenaire" in page
    offers_on_page = page.count('<section class="fr-p-3w fr-mb-2w offer"')
    assert offers_on_page == ServiceOffer.objects.filter(place=copy.duplicate_of).count()

    answer = client.get(f"/api/v1/places/{copy.pk}").json()
    assert answer["id"] == copy.duplicate_of_id
    assert answer["merged_ids"] == [copy.pk]
    assert len(answer["offers"]) == offers_on_page
    assert client.get("/api/v1/places/999999").json() == {"code": "not_found", "detail": "Aucun lieu n° 999999."}


def place_at(name, lat, lon, *, siret="", address="", source):
    """A structure from ``source`` at the given point."""
    return {
        "source": source,
        "id": f"{source}--{name}-{lat}",
        "nom": name,
        "date_maj": "2026-10-01",
        "latitude": lat,
        "longitude": lon,
        **({"siret": siret} if siret else {}),
        **({"adresse": address, "code_postal": "41000"} if address else {}),
    }


@pytest.mark.parametrize(
    ("first", "second", "linked"),
    [
        # same name, 30 m apart
        (("Espace emploi", 47.5900, 1.3300), ("ESPACE EMPLOI", 47.59027, 1.3300), True),
        # same name, 80 m apart: two places
        (("Espace emploi", 47.5900, 1.3300), ("Espace emploi", 47.59072, 1.3300), False),
        # other name, same point
        (("Espace emploi", 47.5900, 1.3300), ("Maison de l’emploi", 47.5900, 1.3300), False),
    ],
)
def test_same_name_within_fifty_metres_is_a_duplicate(schema, tmp_path, first, second, linked):
    run_command("import_datainclusion", str(write(tmp_path / "a.json", [place_at(*first, source="a")])), source="a")
    run_command("import_datainclusion", str(write(tmp_path / "b.json", [place_at(*second, source="b")])), source="b")
    assert Place.objects.canonical().count() == (1 if linked else 2)


def test_same_siret_and_address_is_a_duplicate_whatever_the_name(schema, tmp_path):
    a = place_at("CIO Blois", 47.59, 1.33, siret="19410000100018", address="91 av. Jean-Jaurès", source="a")
    b = place_at(
        "Centre d’information et d’orientation",
        47.70,
        1.40,
        siret="19410000100018",
        address="91 AVENUE JEAN JAURES",
        source="b",
    )
    run_command("import_datainclusion", str(write(tmp_path / "a.json", [a])), source="a")
    run_command("import_datainclusion", str(write(tmp_path / "b.json", [b])), source="b")
    assert Place.objects.canonical().get().name == "CIO Blois"


def test_two_records_of_one_provider_are_never_linked(schema, tmp_path):
    records = [place_at("Antenne", 47.59, 1.33, source="a"), place_at("Antenne", 47.59001, 1.33, source="a")]
    run_command("import_datainclusion", str(write(tmp_path / "a.json", records)), source="a")
    assert Place.objects.canonical().count() == 2


def test_the_reject_share_counts_records_not_their_problems(schema, demo, tmp_path):
    twice_bad = {**STRUCTURE, "id": "x", "date_maj": "hier", "code_postal": "4100"}
    feed = write(tmp_path / "bad.json", [STRUCTURE, twice_bad])
    message = assert_import_fails_and_changes_nothing(
        "import_datainclusion", feed, "date_maj", "code_postal", source="dora", max_reject_share=0.4
    )
    assert "1 enregistrement(s) invalide(s) sur 2 (50.0%" in message
    output = run_command("import_datainclusion", str(feed), source="dora", max_reject_share=0.5)
    assert "1 rejetés" in output
    last_run = Reject.objects.latest("run__started_at").run
    assert Reject.objects.filter(run=last_run, record="x").count() == 2  # both problems, listed once each


def test_a_hostile_deep_array_is_refused_with_a_message_not_a_traceback(schema, demo, tmp_path):
    deep = tmp_path / "profond.json"
    deep.write_text("[" + "[" * 100_000 + "]" * 100_000 + "]", encoding="utf-8")
    message = assert_import_fails_and_changes_nothing("import_datainclusion", deep, "imbriqué", source="dora")
    assert "profond.json" in message
    nested = tmp_path / "imbrique.json"
    nested.write_text(
        json.dumps([{**STRUCTURE, "nom": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}])
    )
    assert "32 niveaux" in assert_import_fails_and_changes_nothing(
        "import_datainclusion", nested, "imbriqué", source="dora"
    )


def test_a_run_with_rejects_lists_them_at_its_end(schema, demo, tmp_path):
    """Not only « 1 rejetés »: which record, where and why, as a failed run says it."""
    feed = write(tmp_path / "mixed.json", [STRUCTURE, {**STRUCTURE, "id": "dora--court", "code_postal": "4100"}])
    output = run_command("import_datainclusion", str(feed), source="dora", max_reject_share=0.5)
    assert "1 rejetés" in output
    assert "Rejetés (1 enregistrement(s), 1 problème(s)) :" in output
    assert "mixed.json, ligne" in output
    assert "enregistrement dora--court" in output
    assert "code_postal" in output
    assert "texte de moins de 5 caractères" in output


def test_beyond_twenty_rejects_the_output_says_where_the_rest_is(schema, demo, tmp_path):
    bad = [{**STRUCTURE, "id": f"dora--court-{index}", "code_postal": "4100"} for index in range(25)]
    feed = write(tmp_path / "many.json", [STRUCTURE, *bad])
    output = run_command("import_datainclusion", str(feed), source="dora", max_reject_share=1)
    assert output.count("texte de moins de 5 caractères") == 20
    assert "… et 5 autres : tous dans http://127.0.0.1:8000/gestion/flux/dora/rejets.csv" in output
