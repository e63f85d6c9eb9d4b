"""GET /api/v1/search/{occupations,trainings,places}: the portal's search, for programs."""

import pytest

from orientation.api.schemas import OccupationSearchOut, PlaceSearchOut, TrainingSearchOut
from orientation.search.services import search_index_rebuild
from tests.conftest import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    run_command("load_demo_data")
    search_index_rebuild()


def test_occupations_answer_their_rome_code(client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        answer = client.get("/api/v1/search/occupations", {"q": "infirmière"}).json()
    assert answer["results"][0]["code"] == "J1506"
    assert answer["total"] >= 1
    assert answer["facets"]["kind"] == {"occupation": answer["total"]}


def test_trainings_near_a_commune_sorted_by_distance(client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        answer = client.get(
            "/api/v1/search/trainings", {"q": "infirmier", "where": "41000 Blois", "radius_km": 60, "sort": "distance"}
        ).json()
    assert answer["where"] == "Blois (41)"
    distances = [result["distance_km"] for result in answer["results"]]
    assert distances
    assert distances == sorted(distances)
    assert all(isinstance(result["id"], int) for result in answer["results"])
    detail = client.get(f"/api/v1/trainings/{answer['results'][0]['id']}")
    assert detail.status_code == 200


def test_places_filtered_by_typology_and_department(client, indexed):
    answer = client.get("/api/v1/search/places", {"typology": "CIO", "department": "41"}).json()
    assert answer["total"] == answer["facets"]["typology"]["CIO"]
    assert answer["total"] >= 1
    assert all("Centre d’information et d’orientation" in result["subtitle"] for result in answer["results"])


def test_the_town_has_one_name_everywhere(client, indexed):
    by_where = client.get("/api/v1/search/places", {"where": "Blois"}).json()
    by_ou = client.get("/api/v1/search/places", {"ou": "Blois"}).json()
    assert by_where["where"] == by_ou["where"]
    assert by_where["total"] == by_ou["total"] > 0
    everywhere = client.get("/api/v1/search/places").json()["total"]
    assert by_ou["total"] < everywhere
    portal = client.get("/recherche/", {"where": "Blois", "type": "lieux"}).content.decode()
    assert "à moins de 30 km de Blois" in portal


def test_bad_parameters_get_a_clear_error(client, indexed):
    answer = client.get("/api/v1/search/places", {"where": "Atlantide"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "unknown_place"
    # The portal's name for the town works the same, unknown towns included: never all France.
    assert client.get("/api/v1/search/trainings", {"ou": "Atlantide"}).json()["code"] == "unknown_place"
    assert client.get("/api/v1/search/places", {"page_size": 1000}).json()["code"] == "invalid_input"
    assert client.get("/api/v1/search/trainings", {"sort": "price"}).json()["code"] == "invalid_input"


def test_the_searches_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/search/occupations", "/api/v1/search/trainings", "/api/v1/search/places"} <= set(paths)


@pytest.mark.parametrize(
    ("path", "schema", "params"),
    [
        ("occupations", OccupationSearchOut, {"q": "infirmière"}),
        ("trainings", TrainingSearchOut, {"q": "infirmier", "where": "Blois"}),
        ("places", PlaceSearchOut, {"where": "Blois", "sort": "distance"}),
    ],
)
def test_answers_have_the_documented_shape(client, indexed, path, schema, params):
    answer = client.get(f"/api/v1/search/{path}", params)
    assert answer["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["results"]
    parsed = schema.model_validate(body)
    assert parsed.model_dump(mode="json") == body


def test_communes_are_suggested_by_name_or_postcode(client, indexed):
    by_name = client.get("/api/v1/communes", {"q": "blo"}).json()
    assert by_name[0] == {
        "code": "41018",
        "name": "Blois",
        "department": "41",
        "postcode": "41000",
        "label": "Blois (41)",
        "value": "41000 Blois",
    }
    by_postcode = client.get("/api/v1/communes", {"q": "411"}).json()
    assert [found["name"] for found in by_postcode] == ["Vendôme"]
    assert client.get("/api/v1/communes", {"q": "b"}).json() == []
    # What is suggested is what the search understands.
    answer = client.get("/api/v1/search/places", {"where": by_name[0]["value"]}).json()
    assert answer["where"] == "Blois (41)"
