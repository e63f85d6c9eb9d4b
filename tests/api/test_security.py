"""Who may call what in the API: every non-public endpoint of the OpenAPI, walked.

A session that gave the right password but stopped at the second factor is signed in to Django
(the sign-in's first step calls ``login()``) and must read nothing: the back-office sends it to
the code page, the API answers 401.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from orientation.api.urls import api
from tests.conftest import login_verified

# Operations anyone may call: the public catalogue, registry and open data. An endpoint added
# without ``auth=`` must be added here on purpose, or this file fails.
PUBLIC_OPERATIONS = {
    ("get", "/api/v1/occupations/{code}"),
    ("get", "/api/v1/trainings/{action_id}"),
    ("get", "/api/v1/places/{place_id}"),
    ("get", "/api/v1/search/occupations"),
    ("get", "/api/v1/search/trainings"),
    ("get", "/api/v1/search/places"),
    ("get", "/api/v1/search/studies"),
    ("get", "/api/v1/communes"),
    ("get", "/api/v1/labels"),
    ("get", "/api/v1/labels/coverage"),
    ("get", "/api/v1/labels/statistics"),
    ("get", "/api/v1/referrals/schema"),
    ("get", "/api/v1/passports/schema"),
    # the catalogue's pages for re-users who keep a copy in sync, and the service's figures: open data
    ("get", "/api/v1/trainings"),
    ("get", "/api/v1/places"),
    ("get", "/api/v1/occupations"),
    ("get", "/api/v1/studies"),
    ("get", "/api/v1/labels/changes"),
    ("get", "/api/v1/statistics/audience"),
    ("get", "/api/v1/statistics/activity"),
    ("get", "/api/v1/offers"),
    ("get", "/api/v1/offers/{offer_id}"),
    # the interests questionnaire: anyone may answer it, and nothing is stored
    ("get", "/api/v1/interests/items"),
    ("post", "/api/v1/interests/profile"),
}


def _operations() -> list[tuple[str, str, list[str]]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            schemes = [name for requirement in operation.get("security", []) for name in requirement]
            found.append((method, path, schemes))
    return found


PROTECTED = [(method, path, schemes) for method, path, schemes in _operations() if schemes]


def _call(client: Client, method: str, path: str) -> Any:
    url = re.sub(r"\{[^}]+\}", "1", path)
    if method == "get":
        return client.get(url)
    return client.generic(method.upper(), url, data=b"{}", content_type="application/json")


@pytest.fixture
def password_only_client(db: Any) -> Client:
    """A superuser (every right) who typed the right password and stopped at the code page."""
    get_user_model().objects.create_superuser(username="dio", email="dio@example.org", password="mot-de-passe-1")
    client = Client(enforce_csrf_checks=False)
    response = client.post("/gestion/connexion/", {"username": "dio", "password": "mot-de-passe-1"})
    assert response.status_code == 302
    assert "/gestion/double-authentification/" in response["Location"]
    assert client.get("/gestion/").status_code == 302  # the back-office sends it to the code page
    return client


def test_every_endpoint_is_public_on_purpose_or_protected() -> None:
    unprotected = {(method, path) for method, path, schemes in _operations() if not schemes}
    assert unprotected == PUBLIC_OPERATIONS
    assert PROTECTED, "the API has endpoints behind a session or a token"
    for _method, _path, schemes in PROTECTED:
        assert set(schemes) <= {"StaffSession", "PartnerToken", "PersonSession", "PersonBearer"}


@pytest.mark.parametrize(("method", "path", "schemes"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_a_password_without_the_second_factor_reads_nothing(password_only_client, method, path, schemes) -> None:
    response = _call(password_only_client, method, path)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(("method", "path", "schemes"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_the_same_user_with_both_factors_gets_past_the_door(db, method, path, schemes) -> None:
    user = get_user_model().objects.create_superuser(username="dio", email="dio@example.org")
    client = login_verified(Client(), user)
    response = _call(client, method, path)
    if "StaffSession" in schemes:
        assert response.status_code != 401, response.content
    else:  # a partner platform's door: a staff session does not open it
        assert response.status_code == 401
