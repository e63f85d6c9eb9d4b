"""Coverage of a region by labelled sites, on the real communes and bassins de vie: the
platform's figures against a computation made by hand from the published files."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from orientation.directory.models import Organisation
from orientation.labels import selectors
from orientation.labels.models import Application, Label
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region

pytestmark = pytest.mark.real_data
TODAY = date(2027, 6, 1)


@pytest.fixture(scope="module")
def territories(module_data, open_data):
    module_data("import_territories", str(open_data / "territoires"))
    return open_data / "territoires"


def by_hand(folder, region_code: str, living_areas: set[str], employment_zones: set[str], communes: set[str]):
    """Communes of the region (current communes of communes.json) and their population, and
    those whose bassin de vie (BV2012) or zone d'emploi (ZE2020) in INSEE's table, or own code,
    is in the territory served."""
    zoning = {}
    with open(folder / "table-appartenance-geo-communes-22.utf8.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            zoning[row["CODGEO"].zfill(5)] = (row["BV2012"].zfill(5), row["ZE2020"].zfill(4))
    rows = json.loads((folder / "communes.json").read_text(encoding="utf-8"))
    total = covered = people = people_covered = 0
    for row in rows:
        if row["type"] != "commune-actuelle" or row.get("region") != region_code:
            continue
        living_area, zone = zoning.get(row["code"], (None, None))
        population = row.get("population") or 0
        total += 1
        people += population
        if living_area in living_areas or zone in employment_zones or row["code"] in communes:
            covered += 1
            people_covered += population
    return total, covered, people, people_covered


def labelled(region: Region, *, living_areas=(), employment_zones=(), communes=(), state=Label.State.ACTIVE):
    organisation = Organisation.objects.create(name=f"Organisation {len(living_areas)}{len(communes)}", typology="CIO")
    application = Application.objects.create(
        organisation=organisation, region=region, state=Application.State.GRANTED, decided_on=date(2026, 1, 1)
    )
    application.living_areas.set(LivingArea.objects.filter(code__in=living_areas))
    application.employment_zones.set(EmploymentZone.objects.filter(code__in=employment_zones))
    application.communes.set(Commune.objects.filter(code__in=communes))
    return Label.objects.create(
        application=application, region=region, state=state, granted_on=date(2026, 1, 1), expires_on=date(2031, 1, 1)
    )


@pytest.mark.django_db
def test_coverage_of_centre_val_de_loire_matches_a_computation_by_hand(territories):
    centre = Region.objects.get(code="24")
    # Blois and Tours bassins de vie; the zone d'emploi of Chartres; two communes, one of them
    # in Île-de-France (counted there, not here); and Orléans, whose label was withdrawn.
    labelled(centre, living_areas=["41018", "37261"])
    labelled(centre, employment_zones=["2403"], communes=["45234", "75056"])
    labelled(centre, living_areas=["45234"], state=Label.State.WITHDRAWN)

    total, areas = selectors.coverage_of_region(centre, TODAY)
    expected = by_hand(territories, "24", {"41018", "37261"}, {"2403"}, {"45234", "75056"})
    assert (total.communes, total.communes_covered, total.population, total.population_covered) == expected
    assert 1700 < total.communes < 1800  # the region's 1,754 communes, more or less the year's mergers
    assert 0 < total.communes_share < 0.3
    # The same figures in the national table, and Île-de-France counts only Paris.
    regions = {item.region.code: item for item in selectors.coverage_by_region(TODAY)}
    assert regions["24"].communes_covered == total.communes_covered
    assert regions["24"].population_covered == total.population_covered
    assert regions["11"].communes_covered == 1
    paris = by_hand(territories, "11", set(), set(), {"75056"})
    assert regions["11"].population_covered == paris[3]
    # Each bassin de vie of the region is on the map; Blois's is covered, Orléans's not.
    names = {area.living_area.code: area for area in areas if area.living_area}
    assert names["41018"].communes_share == 1.0
    assert names["45234"].communes_covered == 1  # Orléans itself, named commune by commune
    assert names["45234"].communes_share < 1
    assert sum(area.communes for area in areas) == total.communes
