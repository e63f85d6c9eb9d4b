"""import_places on the real files of ../shared/data/lieux (geocoded on the real territories)."""

import pytest

from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.directory.typologies import Typology
from tests.conftest import assert_import_fails_and_changes_nothing, run_command

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def imported(module_data, open_data):
    module_data("import_territories", str(open_data / "territoires"))
    return module_data("import_places", str(open_data / "lieux"))


@pytest.mark.django_db
def test_reception_places_are_imported_and_located(imported):
    assert "0 rejetés" in imported
    total = Place.objects.count()
    assert total >= 3000
    assert Place.objects.located().count() >= 0.95 * total
    # Regional and departmental head offices receive no public.
    assert "107 direction(s)" in imported
    assert not Place.objects.filter(name__icontains="DT 06").exists()


@pytest.mark.django_db
def test_each_place_belongs_to_an_organisation_of_its_network(imported):
    blois = {
        place.organisation.typology
        for place in Place.objects.filter(commune__code="41018").select_related("organisation")
    }
    assert {Typology.CIO, Typology.ML, Typology.PIJ_BIJ, Typology.FT} <= blois
    # Antennas sharing a contact e-mail are one organisation.
    greta = Organisation.objects.get(name="Greta - Loire-Atlantique")
    assert greta.places.count() == 4
    # Names exported through Windows-1252 are repaired.
    assert not Place.objects.filter(name__regex="[\x80-\x9f]").exists()
    assert Place.objects.filter(name="Centre d’information et d’orientation (CIO) - Laon").exists()


@pytest.mark.django_db
def test_places_are_geocoded_from_coordinates_or_postcode_and_commune(imported):
    agency = Place.objects.get(name="France Travail Trévoux")
    assert agency.geocoding_precision == Place.GeocodingPrecision.PROVIDED
    assert agency.commune.code == "01427"
    cio = Place.objects.get(name="Centre d’information et d’orientation (CIO) - Laon")
    assert cio.postcode == "02000"  # the directory lost the leading zero
    assert cio.commune.code == "02408"
    assert cio.geocoding_precision == Place.GeocodingPrecision.COMMUNE
    assert abs(cio.latitude - cio.commune.latitude) < 1e-6


@pytest.mark.django_db
def test_every_place_has_its_network_base_offers(imported):
    mission_locale = Place.objects.filter(organisation__typology=Typology.ML, commune__code="41018").first()
    offers = list(mission_locale.service_offers.order_by("level"))
    assert [offer.level for offer in offers] == [ServiceOffer.Level.FIRST, ServiceOffer.Level.SECOND]
    assert all(offer.origin == ServiceOffer.Origin.TYPOLOGY for offer in offers)
    assert "jeunes" in offers[0].publics
    offers[0].full_clean()


@pytest.mark.django_db
def test_second_run_changes_nothing(imported, open_data):
    output = run_command("import_places", str(open_data / "lieux"))
    assert "Aucun changement" in output


@pytest.mark.django_db
def test_broken_row_stops_and_changes_nothing(imported, open_data, broken_copy):
    folder = broken_copy(open_data / "lieux")
    path = folder / "pole_emploi_agencies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace('"4', '"nord ', 1)  # latitude no longer a number
    path.write_text("".join(lines), encoding="utf-8")
    assert_import_fails_and_changes_nothing(
        "import_places", folder, "pole_emploi_agencies.csv, ligne 11", "DN_LATITUDE"
    )
