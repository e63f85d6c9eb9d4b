"""The interests questionnaire through the API: its statements, a profile with the occupations
that agree with it, and answers refused statement by statement."""

from __future__ import annotations

import pytest

from orientation.interests.questionnaire import questionnaire
from tests.occupations.factories import RomeFicheFactory

pytestmark = pytest.mark.django_db


def all_answered(value: int = 0, **by_type: int) -> dict[str, int]:
    return {item.id: by_type.get(item.type, value) for item in questionnaire().items}


def test_the_statements_and_their_scale(client):
    body = client.get("/api/v1/interests/items").json()
    assert len(body["items"]) == 54
    assert body["items"][0] == {"id": "r1", "type": "R", "text": "Réparer un appareil qui ne marche plus"}
    assert [row["value"] for row in body["scale"]] == [0, 1, 2, 3, 4]
    assert body["types"]["S"] == "Social"


def test_a_profile_gives_scores_a_code_and_occupations_with_why(client, django_assert_max_num_queries):
    RomeFicheFactory(code="K1201", title="Action sociale", riasec_major="S", riasec_minor="E")
    RomeFicheFactory(code="H2206", title="Réalisation de menuiserie", riasec_major="R", riasec_minor="")
    RomeFicheFactory(code="M1607", title="Secrétariat", riasec_major="C", riasec_minor="S")
    with django_assert_max_num_queries(1):  # the fiches in one query, nothing written
        response = client.post(
            "/api/v1/interests/profile", {"answers": all_answered(S=4, E=3, A=2)}, content_type="application/json"
        )
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "SEA"
    assert body["scores"]["S"] == 100.0
    assert [occupation["code"] for occupation in body["occupations"]] == ["K1201", "M1607", "H2206"]
    assert body["occupations"][0]["why"].startswith("vous aimez : aider quelqu’un à apprendre quelque chose")


def test_answers_not_a_full_set_on_the_scale_are_refused_with_each_statement_named(client):
    answers: dict[str, object] = dict(all_answered(2))
    del answers["c9"]
    answers["s1"] = 5
    response = client.post("/api/v1/interests/profile", {"answers": answers}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_answers"
    assert {error["field"] for error in body["errors"]} == {"c9", "s1"}


def test_a_flat_profile_proposes_nothing(client):
    RomeFicheFactory(code="K1201", title="Action sociale", riasec_major="S", riasec_minor="E")
    body = client.post(
        "/api/v1/interests/profile", {"answers": all_answered(3)}, content_type="application/json"
    ).json()
    assert (body["flat"], body["code"], body["occupations"]) == (True, "", [])


def test_a_body_that_is_not_json_is_a_400_in_the_apis_error_body(client):
    """Found by schemathesis: documented, in the same body as every other error."""
    response = client.post("/api/v1/interests/profile", b"\xff]\x0e", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail"}


def test_the_profile_filters_by_domain_and_level(client):
    from tests.conftest import run_command

    run_command("load_demo_data")
    body = {"answers": all_answered(1, S=4, I=4)}
    every = client.post("/api/v1/interests/profile", body, content_type="application/json").json()
    assert "J1506" in {occupation["code"] for occupation in every["occupations"]}
    health = client.post("/api/v1/interests/profile", {**body, "domain": "J"}, content_type="application/json").json()
    assert health["occupations"]
    assert all(occupation["code"].startswith("J") for occupation in health["occupations"])
    short = client.post("/api/v1/interests/profile", {**body, "level": "bac"}, content_type="application/json").json()
    assert "J1506" not in {occupation["code"] for occupation in short["occupations"]}
    wrong = client.post("/api/v1/interests/profile", {**body, "level": "doctorat"}, content_type="application/json")
    assert wrong.status_code == 422
