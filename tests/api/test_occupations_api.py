import pytest

from tests.www.test_occupation_pages import nurse  # noqa: F401  (the same fiche as the page)

pytestmark = pytest.mark.django_db


def test_occupation_endpoint_gives_the_page_content(client, nurse, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/occupations/J1506")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "J1506"
    assert body["title"] == "Infirmier / Infirmière en soins généraux (IDE)"
    assert body["domaine"] == {"code": "J15", "title": "Soins paramédicaux"}
    assert body["definition"].splitlines()[1] == "Surveille l'état de santé des patients."
    assert {"masculine": "Puériculteur", "feminine": "Puéricultrice"}.items() <= next(
        item for item in body["appellations"] if item["masculine"] == "Puériculteur"
    ).items()
    assert body["mobility"] == [{"code": "J1502", "title": "Aide-soignant / Aide-soignante", "order": 1}]
    assert body["onisep"][0]["hook_html"] == "<p>Au chevet des patients, jour et nuit.</p>"
    assert body["skills"][0]["core"] == ["Réaliser un pansement"]
    assert body["is_regulated"] is True
    assert body["url"].endswith("/metiers/J1506/")


def test_unknown_code_answers_a_stable_error_body(client):
    response = client.get("/api/v1/occupations/J9999")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Aucune fiche ROME pour le code 'J9999'."}


def test_openapi_document_describes_the_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/api/v1/occupations/{code}"]["get"]
    assert set(operation["responses"]) == {"200", "404", "422"}  # 422: a code that is not one
