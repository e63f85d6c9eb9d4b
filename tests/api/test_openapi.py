"""The OpenAPI says what each endpoint answers, and the API is fuzzed against it (schemathesis):
anonymous, as a staff member signed in with both factors, and as a partner platform."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, settings
from ninja import Schema
from schemathesis import checks as st_checks

import orientation.api
from config.wsgi import application
from orientation.api.urls import api
from tests.conftest import login_verified


def test_no_two_schemas_share_a_name():
    """ninja names a component after its class: two classes of one name would document one
    endpoint with the other's schema."""
    seen: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(orientation.api.__path__):
        module = importlib.import_module(f"orientation.api.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__


def test_each_endpoint_documents_its_own_answers():
    paths = api.get_openapi_schema()["paths"]

    def schema_of(path: str) -> str:
        return paths[path]["get"]["responses"][200]["content"]["application/json"]["schema"]["$ref"]

    assert schema_of("/api/v1/labels/statistics").endswith("/LabelStatisticsOut")
    assert schema_of("/api/v1/contact/statistics").endswith("/PhoneStatisticsOut")
    registry = paths["/api/v1/labels"]["get"]["responses"][200]["content"]
    assert set(registry) == {"application/json", "text/csv"}
    assert 400 in paths["/api/v1/offers"]["get"]["responses"]
    for path in ("/api/v1/search/trainings", "/api/v1/trainings/{action_id}", "/api/v1/communes"):
        assert 422 in paths[path]["get"]["responses"], path
    assert 414 in paths["/api/v1/search/trainings"]["get"]["responses"]


STAFF_PATHS = {"/api/v1/feeds", "/api/v1/referrals", "/api/v1/labels/applications", "/api/v1/contact/statistics"}
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# A 5xx, a status the OpenAPI does not list, a content type or a body that is not the documented one.
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def in_process_requests():
    """schemathesis calls the WSGI application in this process: like Django's test client, keep
    the end of each request from closing the test's database connection (PostgreSQL would lose
    the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def identities(db, demo_catalogue, in_process_requests):
    """Headers of the three callers: nobody, a national administrator with both factors, a partner."""
    from orientation.referrals.models import PartnerPlatform, token_digest

    staff = login_verified(Client(), get_user_model().objects.create_superuser(username="dio", email="d@example.org"))
    PartnerPlatform.objects.create(name="Plateforme voisine", token_digest=token_digest("jeton-du-partenaire"))
    return {
        "anonymous": ({}, {}),
        "staff": ({}, {"sessionid": staff.cookies["sessionid"].value}),
        "partner": ({"Authorization": "Bearer jeton-du-partenaire"}, {}),
    }


@pytest.fixture(scope="module")
def demo_catalogue(module_data):
    """The demo data: occupations, trainings, places, labels and services for the API to answer
    with; loaded once for the module, each test's writes undone with its transaction."""
    module_data("load_demo_data", verbosity=0)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("who", ["anonymous", "staff", "partner"])
def test_the_api_keeps_to_its_openapi(case, identities, who):
    headers, cookies = identities[who]
    # The caller's credentials replace those schemathesis made up from the security schemes.
    case.headers = {**(case.headers or {}), **headers}
    case.cookies = {**(case.cookies or {}), **cookies}
    response = case.call_and_validate(checks=CHECKS)
    if who == "staff" and case.method == "GET" and case.path in STAFF_PATHS:
        assert response.status_code != 401, (case.path, response.text)
