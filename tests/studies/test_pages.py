"""Studies in the portal, the search and the API, on the demo catalogue."""

import re

import pytest
from django.utils import timezone

from orientation.api.schemas import StudySearchOut
from orientation.occupations.levels import level_rank
from orientation.search.services import search_index_rebuild
from orientation.studies.models import Study
from orientation.trainings.models import Action
from tests.conftest import run_command

pytestmark = pytest.mark.django_db

ODBL = "sous licence ODbL"


@pytest.fixture
def indexed():
    run_command("load_demo_data")
    search_index_rebuild()


def section(page: str, anchor: str) -> str:
    start = page.index(anchor)
    return page[start : page.index("</section>", start)]


def test_an_occupation_page_lists_the_studies_that_lead_to_it_shortest_first(
    client, indexed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(18):
        page = client.get("/metiers/G1602/").content.decode()
    studies = section(page, 'id="etudes"')
    assert "Les études qui y mènent" in studies
    assert re.findall(r'href="/etudes/(FOR\.\d+)/"', studies) == ["FOR.9664", "FOR.494"]  # the CAP before the bac
    assert ODBL in studies
    nothing = client.get("/metiers/K2204/").content.decode()  # no study of the demo leads there
    assert "Aucune formation initiale de l’Onisep n’est reliée à ce métier" in nothing


def test_a_study_page_leads_to_its_occupations_and_to_training_near_the_person_for_the_same_certification(
    client, indexed, django_assert_max_num_queries
):
    national = client.get("/etudes/FOR.2378/").content.decode()
    assert "Diplôme d&#x27;Etat d&#x27;infirmier" in national
    assert 'href="/metiers/J1506/"' in national
    assert re.search(r"\d+ formations? continues? ouvertes? en France prépar", national)
    assert "https://www.francecompetences.fr/recherche/rncp/8940/" in national
    assert "https://www.onisep.fr/http/redirection/formation/slug/FOR.2378" in national
    assert ODBL in national
    with django_assert_max_num_queries(12):
        page = client.get("/etudes/FOR.2378/", {"ou": "Blois"}).content.decode()
    near = section(page, 'id="pres-de-vous"')
    trainings = re.findall(r'href="/formations/(\d+)/"', near)
    assert trainings
    for action in Action.objects.filter(pk__in=trainings).select_related("formation"):
        assert action.formation.rncp_codes == ["8940"]
    assert re.findall(r'href="/lieux/(\d+)/"', near)


def test_a_study_without_a_certification_code_still_offers_places(client, indexed):
    page = client.get("/etudes/FOR.9664/", {"ou": "Blois"}).content.decode()
    near = section(page, 'id="pres-de-vous"')
    assert "En parler près de chez vous" in near
    assert not re.findall(r'href="/formations/', near)
    assert re.findall(r'href="/lieux/(\d+)/"', near)


def test_a_training_and_a_study_that_prepare_the_same_certification_point_to_each_other(client, indexed):
    actions = list(Action.objects.open().select_related("formation"))
    action = next(action for action in actions if action.formation.rncp_codes == ["37442"])
    page = client.get(f"/formations/{action.pk}/").content.decode()
    assert "La même certification en formation initiale" in page
    assert 'href="/etudes/FOR.9093/"' in page
    other = next(action for action in actions if not action.formation.rncp_codes)
    assert "formation initiale" not in client.get(f"/formations/{other.pk}/").content.decode()


def test_unknown_and_closed_studies_are_not_found(client, indexed):
    assert client.get("/etudes/FOR.1/").status_code == 404
    assert client.get("/etudes/MET.420/").status_code == 404
    Study.objects.filter(identifier="FOR.9664").update(closed_at=timezone.now())
    assert client.get("/etudes/FOR.9664/").status_code == 404


def test_studies_are_a_search_tab_with_level_filters_and_no_distance(client, indexed):
    page = client.get("/recherche/", {"q": "bts", "ou": "Blois", "type": "etudes"}).content.decode()
    tabs = dict(re.findall(r'class="fr-tag" href="[^"]*"[^>]*>([^<(]+) \((\d+)\)', page))
    # the demo's BTS and BTSA by their title, then the bac whose text says it leads to a BTS;
    # wherever the person is
    assert int(tabs["Études et diplômes"]) == 4
    assert "à moins de" not in page.split("</h1>")[0]  # a study is not near or far
    keys = re.findall(r'href="/etudes/(FOR\.\d+)/"', page)
    assert set(keys[:3]) == {"FOR.269", "FOR.9052", "FOR.5337"}
    assert keys[3] == "FOR.494"
    assert ODBL in page
    assert "Niveau d’études" in page
    filtered = client.get("/recherche/", {"type": "etudes", "study_level": "Bac + 3"}).content.decode()
    assert re.findall(r'href="/etudes/(FOR\.\d+)/"', filtered) == ["FOR.2378"]
    by_occupation = client.get("/recherche/", {"type": "etudes", "rome": "F1602"}).content.decode()
    assert set(re.findall(r'href="/etudes/(FOR\.\d+)/"', by_occupation)) == {"FOR.9093", "FOR.269"}


def test_the_search_api_answers_studies_by_identifier(client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/search/studies", {"q": "infirmier", "where": "Blois"})
    answer = response.json()
    StudySearchOut.model_validate(answer)
    assert answer["results"][0]["identifier"] == "FOR.2378"
    assert "distance_km" not in answer["results"][0]
    assert answer["where"] == "Blois (41)"
    by_occupation = client.get("/api/v1/search/studies", {"rome": "g1602"}).json()
    assert {result["identifier"] for result in by_occupation["results"]} == {"FOR.9664", "FOR.494"}
    level = client.get("/api/v1/search/studies", {"level": "Bac + 2"}).json()
    assert level["total"] == 3
    assert client.get("/api/v1/search/studies", {"where": "Nulle-Part-sur-Mer"}).status_code == 422
    assert client.get("/api/v1/search/studies", {"rncp": "abc"}).status_code == 422
    trainings = client.get("/api/v1/search/trainings", {"rncp": "RNCP8940"}).json()
    assert trainings["total"] >= 1
    for action in Action.objects.filter(pk__in=[hit["id"] for hit in trainings["results"]]).select_related("formation"):
        assert action.formation.rncp_codes == ["8940"]
    description = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search/studies"]["get"]["description"]
    assert "ODbL" in description


@pytest.mark.parametrize(
    ("shorter", "longer"),
    [
        ("CAP ou équivalent", "CAP ou équivalent + 1 an"),
        ("CAP ou équivalent + 1 an", "Bac ou équivalent"),
        ("Bac ou équivalent", "Bac + 1"),
        ("Bac + 2", "Bac + 3"),
        ("Bac + 5", "Bac + 9 et plus"),
        ("Bac + 9 et plus", "niveau inconnu"),
    ],
)
def test_levels_are_ranked_from_the_shortest_study(shorter, longer):
    assert level_rank(shorter) < level_rank(longer)
