"""/sante/: what the load balancer asks each web host. Ready when the database, the shared cache
and the search index answer; 503 naming what failed when one does not. And the shared cache lost
is never an error page: what it held is computed again, the sign-in links' limit fails closed."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from orientation.search.services import search_index_rebuild
from tests.conftest import free_port, run_command

pytestmark = pytest.mark.django_db

#: a Redis nobody listens to: the client's real connection refused, not a mock
UNREACHABLE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}


@pytest.fixture
def cache_down(settings):
    location = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {alias: {**UNREACHABLE, "LOCATION": location} for alias in ("default", "counters")}
    for alias in ("default", "counters"):
        caches[alias].close()
    yield
    for alias in ("default", "counters"):
        caches[alias].close()


def test_a_ready_host_says_so(client):
    run_command("load_demo_data")
    search_index_rebuild()
    answer = client.get("/sante/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "cache", "search_index"}
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    assert not answer.cookies


def test_a_host_without_its_cache_is_not_ready_and_says_why(client, cache_down):
    answer = client.get("/sante/")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["cache"]["ok"] is False
    assert "Connection" in checks["cache"]["error"]


def test_without_its_cache_the_portal_answers_and_sign_in_links_fail_closed(cache_down):
    run_command("load_demo_data")
    search_index_rebuild()
    visitor = Client()
    for url in ("/", "/metiers/G1602/", "/recherche/?q=cuisine&ou=Blois", "/statistiques/"):
        assert visitor.get(url).status_code == 200, url  # degraded to the database, never a 500
    refused = visitor.post("/mon-espace/connexion/", {"email": "camille@example.org"})
    assert refused.status_code == 503
    assert "momentanément indisponible" in refused.content.decode()
