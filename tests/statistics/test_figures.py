"""The service's figures: the regions add up to the national ones, the public page and the open
data (JSON, CSV, the monthly files) say the same."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from orientation.statistics.models import AudienceCount, Metric
from orientation.statistics.selectors import activity, month_key
from orientation.territories.models import Region
from tests.conftest import run_command
from tests.directory.factories import PlaceFactory, ServiceOfferFactory
from tests.referrals.factories import ReferralFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals_in_two_regions():
    """Referrals of this month to services in two regions, and one to a service without a place."""
    centre = CommuneFactory()
    other = CommuneFactory(
        department=DepartmentFactory(
            code="44", name="Loire-Atlantique", region=RegionFactory(code="52", name="Pays de la Loire")
        )
    )
    assert centre.region_id != other.region_id
    in_centre = ServiceOfferFactory(referrable=True, place=PlaceFactory(commune=centre))
    elsewhere = ServiceOfferFactory(referrable=True, place=PlaceFactory(commune=other))
    nowhere = ServiceOfferFactory(referrable=True, place=None)
    now = timezone.now()
    ReferralFactory(offer=in_centre, accepted=True, answered_at=now + timedelta(days=2))
    ReferralFactory(offer=in_centre, refused=True, answered_at=now + timedelta(days=6))
    ReferralFactory(offer=elsewhere, expired=True, sent_at=now)
    ReferralFactory(offer=nowhere)
    return centre.region, other.region


def test_the_regions_add_up_to_the_national_figures(referrals_in_two_regions):
    centre, other = referrals_in_two_regions
    figures = activity(month_key(timezone.localdate()))
    national = figures.national_referrals()
    assert national.sent == 4
    assert sum(region.sent for region in figures.referrals.values()) == national.sent
    assert figures.referrals[centre.code].sent == 2
    assert figures.referrals[centre.code].accepted == 1
    assert figures.referrals[centre.code].median_days == 4.0
    assert figures.referrals[other.code].expired == 1
    assert figures.referrals["—"].open == 1  # a service without a place has no region
    for name in ("accepted", "refused", "expired", "open"):
        assert sum(getattr(region, name) for region in figures.referrals.values()) == getattr(national, name)


def test_the_api_answers_json_and_csv_that_say_the_same(client, referrals_in_two_regions):
    centre, _other = referrals_in_two_regions
    month = month_key(timezone.localdate())
    document = client.get("/api/v1/statistics/activity", {"month": month}).json()
    by_region = {row["region"]: row for row in document["regions"]}
    assert by_region[centre.code]["referrals"]["sent"] == 2
    assert sum(row["referrals"]["sent"] for row in document["regions"]) == document["national"]["referrals"]["sent"]
    table = list(csv.DictReader(io.StringIO(client.get("/api/v1/statistics/activity", {"month": month, "format": "csv"})
                                            .content.decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    assert {row["region"]: int(row["orientations_sent"]) for row in table}[centre.code] == 2
    assert table[-1]["nom"] == "France entière"
    assert client.get("/api/v1/statistics/activity", {"month": "2026-13"}).status_code == 422
    assert client.get("/api/v1/statistics/activity", {"month": "2999-01"}).status_code == 400


def test_searches_by_region_add_up_and_the_page_shows_them(client):
    run_command("load_demo_data")
    today = timezone.localdate()
    AudienceCount.objects.create(day=today, metric=Metric.SEARCHED_DEPARTMENTS, key="41", count=7)
    AudienceCount.objects.create(day=today, metric=Metric.SEARCHED_DEPARTMENTS, key="99", count=2)  # unknown here
    AudienceCount.objects.create(day=today, metric=Metric.VISITS, key="", count=12)
    AudienceCount.objects.create(day=today, metric=Metric.SEARCHES, key="training", count=4)
    AudienceCount.objects.create(day=today, metric=Metric.EMPTY_SEARCHES, key="training", count=1)
    AudienceCount.objects.create(day=today, metric=Metric.SEARCH_RESULTS, key="training:0", count=1)
    AudienceCount.objects.create(day=today, metric=Metric.SEARCH_RESULTS, key="training:50-199", count=3)
    document = client.get("/api/v1/statistics/audience").json()
    regions = {row["region"]: row["searches"] for row in document["searches_by_region"]}
    assert regions[Region.objects.get(departments__code="41").code] == 7
    assert regions["—"] == 2
    assert sum(regions.values()) == 9
    assert document["last_months"][-1]["visits"] == 12
    (trainings,) = document["searches"]
    assert {part["range"]: part["searches"] for part in trainings["by_result_count"]} == {
        "0": 1,
        "1-9": 0,
        "10-49": 0,
        "50-199": 3,
        "200+": 0,
    }
    assert sum(part["searches"] for part in trainings["by_result_count"]) == trainings["searches"]
    page = client.get("/statistiques/").content.decode()
    assert "Le service en chiffres" in page
    assert "<svg" in page
    assert "Recherches par région du lieu cherché" in page
    assert "Recherches par nombre de résultats" in page


def test_the_monthly_files_are_written_by_the_command(tmp_path, referrals_in_two_regions):
    month = month_key(timezone.localdate())
    output = run_command("statistics_export", month=month, folder=str(tmp_path))
    assert f"Statistiques de {month} écrites" in output
    activity_file = json.loads((tmp_path / f"activite-{month}.json").read_text(encoding="utf-8"))
    assert activity_file["national"]["referrals"]["sent"] == 4
    assert (tmp_path / f"audience-{month}.csv").read_text(encoding="utf-8-sig").startswith("mois;mesure;valeur;nombre")
