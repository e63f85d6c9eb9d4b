"""The public pages and the public API read from a PostgreSQL streaming replica, everything else
from the primary; the replica lost, the visitors see no error. Proven on a real replica
(scripts/postgres.sh replica-start: pg_basebackup of the test cluster) behind a gunicorn host.
Which requests may read from the replica is decided per request, tested here on any engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.test import RequestFactory

from orientation.www.middleware import reads_from_replica
from tests.conftest import REPOSITORY, fresh_postgres_database, gunicorn_server

RENAMED = "Infirmier / Infirmière (intitulé changé sur la base principale)"


@pytest.mark.parametrize(
    ("method", "path", "headers", "replica"),
    [
        ("get", "/metiers/J1506/", {}, True),
        ("get", "/api/v1/search/trainings?q=cuisine", {}, True),
        ("head", "/", {}, True),
        ("get", "/metiers/J1506/", {"HTTP_COOKIE": "sessionid=abc"}, False),  # someone signed in
        ("get", "/api/v1/trainings", {"HTTP_AUTHORIZATION": "Bearer x"}, False),  # a partner platform
        ("post", "/etre-rappele/", {}, False),  # a write
        ("get", "/gestion/", {}, False),
        ("get", "/mon-espace/", {}, False),
        ("get", "/api/v1/me/passport", {}, False),
        ("get", "/sante/", {}, False),  # readiness asks the primary
    ],
)
def test_which_requests_read_from_the_replica(method, path, headers, replica):
    request = getattr(RequestFactory(), method)(path, **headers)
    assert reads_from_replica(request) is replica


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip(
            "Réplique PostgreSQL : lancer avec DATABASE_URL=$(scripts/postgres.sh start) "
            "(c’est le cas en CI, au second passage de make test)"
        )
    return url


@pytest.fixture(scope="module")
def primary_and_replica(tmp_path_factory) -> Iterator[tuple[str, str]]:
    url = _postgres_url()
    with fresh_postgres_database(url, "replica_test") as primary:
        environment = {"DATABASE_URL": primary, "PATH": "/usr/bin:/bin"}
        for command in (["migrate", "--noinput", "-v", "0"], ["load_demo_data"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=REPOSITORY, env=environment, check=True)
        started = subprocess.run(
            ["scripts/postgres.sh", "replica-start"], cwd=REPOSITORY, capture_output=True, text=True, check=True
        )
        server = started.stdout.strip().splitlines()[-1]
        try:
            yield primary, f"{server}/{primary.rsplit('/', 1)[1]}"
        finally:
            subprocess.run(["scripts/postgres.sh", "replica-stop"], cwd=REPOSITORY, check=False)


def _sql(url: str, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def _title(base: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(f"{base}/api/v1/occupations/J1506", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())["title"]
    except urllib.error.HTTPError as error:
        return error.code, ""


def _health(base: str) -> dict:
    """What /sante/ answers; always 200 here: the replica never takes a host out."""
    with urllib.request.urlopen(f"{base}/sante/", timeout=20) as response:
        assert response.status == 200
        return json.loads(response.read())


def _replica_state(base: str) -> dict:
    return _health(base)["checks"]["replica"]


def _eventually(check, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the delay"
        time.sleep(0.2)


def test_public_reads_come_from_the_replica_and_survive_its_loss(primary_and_replica, tmp_path):
    primary, replica = primary_and_replica
    _eventually(
        lambda: (
            _sql(replica, "SELECT count(*) FROM occupations_romefiche")
            == _sql(primary, "SELECT count(*) FROM occupations_romefiche")
        )
    )
    with gunicorn_server(tmp_path, primary, DATABASE_REPLICA_URL=replica, SECURE_COOKIES="0") as host:
        status, before = _title(host.url)
        assert status == 200
        # The replica stops replaying the primary's changes: what each request reads shows where it read.
        _sql(replica, "SELECT pg_wal_replay_pause()")
        _sql(primary, f"UPDATE occupations_romefiche SET title = '{RENAMED}' WHERE code = 'J1506'")
        assert _title(host.url) == (200, before)  # a visitor: the replica
        assert _title(host.url, Cookie="sessionid=someone") == (200, RENAMED)  # signed in: the primary
        _sql(replica, "SELECT pg_wal_replay_resume()")
        _eventually(lambda: _title(host.url) == (200, RENAMED))

        # The balancer's question reports the replica, caught up, without depending on it.
        health = _health(host.url)
        assert health["ready"] is True
        assert health["checks"]["replica"]["ok"] is True
        assert health["checks"]["replica"]["required"] is False
        _eventually(lambda: _replica_state(host.url).get("lag_s") == 0)

        # The replica lost (stopped at once, as a crashed host): every request still answers.
        subprocess.run(["scripts/postgres.sh", "replica-stop"], cwd=REPOSITORY, check=True)
        lost = _replica_state(host.url)
        assert lost["ok"] is False, lost  # said, and the host stays in the pool (200)
        assert "error" in lost
        answers = [_title(host.url) for _ in range(12)]
        pages = []
        for path in ("/", "/metiers/J1506/", "/recherche/?q=infirmier"):
            with urllib.request.urlopen(f"{host.url}{path}", timeout=20) as response:
                pages.append(response.status)
        log = host.output.read_text()
    assert answers == [(200, RENAMED)] * 12
    assert pages == [200, 200, 200]
    assert "Réplique injoignable" in log
    assert " 500 " not in host.access_log.read_text()
    assert " 503 " not in host.access_log.read_text()
