"""import_territories on the real files of ../shared/data/territoires, and on broken copies."""

import json

import pytest

from orientation.ingestion.models import ImportRun, Reject
from orientation.territories.geocoding import Geocoder, Precision
from orientation.territories.models import Commune, EmploymentZone, FormerCommune, LivingArea, PostalCode, Region
from tests.conftest import assert_import_fails_and_changes_nothing, run_command

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def first_run(module_data, open_data):
    return module_data("import_territories", str(open_data / "territoires"))


@pytest.mark.django_db
def test_first_import_loads_the_whole_cog_with_zonings(first_run):
    assert "0 rejetés" in first_run
    assert Region.objects.count() == 26
    located_and_zoned = Commune.objects.filter(
        latitude__isnull=False, employment_zone__isnull=False, living_area__isnull=False
    )
    assert located_and_zoned.count() >= 34_900
    assert Commune.objects.filter(kind=Commune.Kind.COMMUNE).count() == 34_969
    assert Commune.objects.filter(kind=Commune.Kind.MUNICIPAL_DISTRICT).count() == 45
    assert EmploymentZone.objects.count() >= 300
    assert not EmploymentZone.objects.filter(name="").exists()
    assert LivingArea.objects.count() >= 1600
    assert PostalCode.objects.count() >= 39_000


@pytest.mark.django_db
def test_zonings_and_names_come_from_the_official_tables(first_run):
    blois = Commune.objects.select_related("employment_zone", "living_area", "department", "epci").get(code="41018")
    assert blois.name == "Blois"
    assert blois.department.code == "41"
    assert blois.employment_zone.name == "Blois"
    # A bassin de vie bears the code and the name of its central commune.
    assert (blois.living_area.code, blois.living_area.name) == ("41018", "Blois")
    assert blois.postcodes == ["41000"]
    assert blois.population
    assert blois.population > 40_000
    assert 47.5 < blois.latitude < 47.7
    assert 1.2 < blois.longitude < 1.4
    # INSEE's table lost leading zeros: Ain communes must still be zoned.
    assert Commune.objects.get(code="01001").employment_zone is not None
    zone = EmploymentZone.objects.get(code=blois.employment_zone.code)
    assert zone.unemployment_rate is not None
    assert zone.unemployment_period.startswith("20")


@pytest.mark.django_db
def test_communes_created_since_the_zoning_table_inherit_from_their_former_communes(first_run):
    # Conques-en-Rouergue (12218) merged three communes after INSEE's 2022 table.
    conques = Commune.objects.get(code="12218")
    assert conques.employment_zone is not None
    assert conques.living_area is not None
    assert conques.coordinates_source == Commune.CoordinatesSource.FORMER_COMMUNES
    # Paris has no coordinates of its own in La Poste's base: the mean of its districts.
    paris = Commune.objects.get(code="75056")
    assert paris.coordinates_source == Commune.CoordinatesSource.DISTRICTS
    assert 48.8 < paris.latitude < 48.9
    assert Commune.objects.get(code="75105").parent == paris


@pytest.mark.django_db
def test_second_run_creates_and_updates_nothing_and_says_so(first_run, open_data):
    output = run_command("import_territories", str(open_data / "territoires"))
    assert "0 créés, 0 mis à jour" in output
    assert "Aucun changement" in output
    run = ImportRun.objects.order_by("-started_at").first()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.created == run.updated == 0
    assert run.unchanged > 80_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "code", "precision"),
    [
        ("41000 Blois", "41018", Precision.COMMUNE),
        ("Blois (41000)", "41018", Precision.COMMUNE),
        ("41000", "41018", Precision.COMMUNE),
        ("2A004", "2A004", Precision.COMMUNE),
        ("34094, Montpellier Cedex 5", "34172", Precision.COMMUNE),
        ("Saint-Étienne", "42218", Precision.COMMUNE),
        ("ST ETIENNE 42000", "42218", Precision.COMMUNE),
        ("75005 Paris", "75105", Precision.COMMUNE),
        ("Marseille 15e Arrondissement", "13215", Precision.COMMUNE),
        ("Paris 15e", "75115", Precision.COMMUNE),
    ],
)
def test_geocoder_resolves_what_people_and_files_write(first_run, query, code, precision):
    result = Geocoder().geocode(query)
    assert result is not None, query
    assert result.commune.code == code
    assert result.precision == precision
    assert result.latitude is not None


@pytest.mark.django_db
def test_geocoder_resolves_a_former_commune_to_the_current_one(first_run):
    former = (
        FormerCommune.objects.filter(kind=FormerCommune.Kind.DELEGATED, latitude__isnull=False)
        .exclude(code__in=Commune.objects.values("code"))
        .select_related("commune")
        .first()
    )
    result = Geocoder().by_insee_code(former.code)
    assert result.commune == former.commune
    assert result.precision == Precision.LOCALITY
    assert (result.latitude, result.longitude) == (former.latitude, former.longitude)


@pytest.mark.django_db
def test_geocoder_says_when_a_postcode_is_shared(first_run):
    # 41100 serves Vendôme and several villages around it.
    result = Geocoder().by_postcode("41100")
    assert result.ambiguous
    assert result.commune.code == "41269"
    assert len(result.candidates) > 1
    assert Geocoder().geocode("99999 Nulle-Part") is None


def _fails_and_changes_nothing(folder, *expected):
    assert_import_fails_and_changes_nothing("import_territories", folder, *expected)
    return ImportRun.objects.order_by("-started_at").first()


@pytest.mark.django_db
def test_truncated_json_stops_with_file_and_line(first_run, open_data, broken_copy):
    folder = broken_copy(open_data / "territoires")
    content = (folder / "communes.json").read_bytes()
    (folder / "communes.json").write_bytes(content[: len(content) // 2])
    _fails_and_changes_nothing(folder, "communes.json", "ligne")


@pytest.mark.django_db
def test_broken_row_is_named_by_line_and_field(first_run, open_data, broken_copy):
    folder = broken_copy(open_data / "territoires")
    communes = json.loads((folder / "communes.json").read_text())
    communes[100]["code"] = "41O18"  # letter O instead of a zero
    (folder / "communes.json").write_text(
        "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in communes) + "\n]\n"
    )
    run = _fails_and_changes_nothing(folder, "communes.json", "ligne 102", "« code »", "41O18")
    reject = Reject.objects.get(run=run)
    assert (reject.file, reject.line, reject.field) == ("communes.json", 102, "code")


@pytest.mark.django_db
def test_missing_required_column_is_named(first_run, open_data, broken_copy):
    folder = broken_copy(open_data / "territoires")
    table = next(folder.glob("table-appartenance-geo-communes-*.csv"))
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(";BV2012", ";BASSIN", 1), encoding="utf-8")
    _fails_and_changes_nothing(folder, table.name, "BV2012", "colonne obligatoire absente")


@pytest.mark.django_db
def test_wrong_encoding_is_named_with_its_line(first_run, open_data, broken_copy):
    folder = broken_copy(open_data / "territoires")
    path = folder / "laposte_hexasmal.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    _fails_and_changes_nothing(folder, "laposte_hexasmal.csv", "ligne", "UTF-8")
