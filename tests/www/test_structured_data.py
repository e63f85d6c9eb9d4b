"""sitemap.xml and the schema.org descriptions of the portal's pages."""

import json
import re

import pytest

from orientation.directory.models import Place
from orientation.trainings.models import Action, Formation
from tests.conftest import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    run_command("load_demo_data")


def json_ld(page: str) -> dict:
    [found] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found)


def test_sitemap_lists_every_page_type(client, demo):
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    assert sorted(sections) == ["/sitemap-formations.xml", "/sitemap-lieux.xml", "/sitemap-metiers.xml"]
    trainings = client.get("/sitemap-formations.xml").content.decode()
    assert trainings.count("<url>") == Action.objects.open().count()
    places = client.get("/sitemap-lieux.xml").content.decode()
    assert places.count("<url>") == Place.objects.canonical().count()
    assert "/metiers/J1506/" in client.get("/sitemap-metiers.xml").content.decode()


def test_a_training_page_describes_a_course(client, demo):
    action = Action.objects.open().filter(sessions__isnull=False).first()
    data = json_ld(client.get(f"/formations/{action.pk}/").content.decode())
    assert data["@type"] == "Course"
    assert data["name"] == action.formation.title
    assert data["hasCourseInstance"][0]["@type"] == "CourseInstance"
    assert data["provider"]["name"]


def test_text_cannot_end_the_script(client, demo):
    action = Action.objects.open().first()
    Formation.objects.filter(pk=action.formation_id).update(title="</script><script>alert(1)</script>")
    page = client.get(f"/formations/{action.pk}/").content.decode()
    assert "<script>alert(1)" not in page
    assert json_ld(page)["name"] == "</script><script>alert(1)</script>"


def test_occupation_and_place_pages_describe_themselves(client, demo):
    assert json_ld(client.get("/metiers/J1506/").content.decode())["@type"] == "Occupation"
    place = Place.objects.canonical().filter(organisation__typology="CIO").first()
    data = json_ld(client.get(f"/lieux/{place.pk}/").content.decode())
    assert data["@type"] == "GovernmentOffice"
    assert data["address"]["postalCode"] == place.postcode
    assert data["openingHoursSpecification"][0]["dayOfWeek"] == "Monday"
