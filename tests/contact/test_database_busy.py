"""A database that is locked answers a clear 503 in a few seconds, and never kills a worker:
the callback form and the SIP route against a real gunicorn (2 workers) on a SQLite file whose
write lock another process holds; and on PostgreSQL, a table locked by another session."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.db import connection
from django.test import Client

from orientation.contact import services
from orientation.contact.models import Callback, Interaction
from tests.conftest import gunicorn_server, migrated_sqlite_database


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("busy")
    return folder, migrated_sqlite_database(folder, "busy.sqlite3")


def write_lock(database):
    """Another process's write transaction, held until closed. It waits its turn: a server's own
    short write (a worker's audience counts, written every 30 s in a thread) may be under way."""
    holder = sqlite3.connect(database, isolation_level=None, timeout=10)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def post(opener, url, data, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    started = time.monotonic()
    try:
        response = opener.open(request, timeout=40)
        status, body, answer_headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, answer_headers = error.code, error.read().decode(), error.headers
    return status, body, answer_headers, time.monotonic() - started


def count(database, table):
    with sqlite3.connect(database) as reader:
        return reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_locked_sqlite_answers_503_quickly_and_the_workers_live_on(migrated_sqlite):
    folder, database = migrated_sqlite
    with gunicorn_server(folder, f"sqlite:///{database}", workers=2, DATABASE_LOCK_TIMEOUT_SECONDS="1") as server:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        form = opener.open(f"{server.url}/etre-rappele/", timeout=10).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "number": "02 54 78 54 87", "profile": "parent", "need": "autre",
             "consent": "on"}
        ).encode()  # fmt: skip
        holder = write_lock(database)
        try:
            # Two requests at once, as many as there are workers: each gets its page, neither dies.
            results = []
            threads = [
                threading.Thread(target=lambda: results.append(post(opener, f"{server.url}/etre-rappele/", data)))
                for _ in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sip = post(
                opener,
                f"{server.url}/contact/sip/route",
                json.dumps({"profile": "parent", "need": "autre", "caller": "+33254785487"}).encode(),
                {"Content-Type": "application/json"},
            )
            # Reading still works while the lock is held (WAL): the home page answers.
            assert opener.open(f"{server.url}/", timeout=10).status == 200
        finally:
            holder.rollback()
            holder.close()
        for status, body, headers, seconds in results:
            assert status == 503
            assert "Service momentanément indisponible" in body
            assert "Rien n’a été enregistré" in body
            assert headers["Retry-After"] == "30"
            assert seconds < 5, seconds
        status, body, _headers, seconds = sip
        assert status == 503
        assert json.loads(body)["code"] == "unavailable"
        assert seconds < 2.0, seconds  # within the SIP proxy's 2 s
        assert count(database, "contact_interaction") == 0
        assert count(database, "contact_callback") == 0
        # Lock released: the same form goes through, the workers are the same.
        status, body, _headers, _seconds = post(opener, f"{server.url}/etre-rappele/", data)
        assert status == 200
        assert "Demande de rappel enregistrée" in body
        assert count(database, "contact_callback") == 1
    assert "WORKER TIMEOUT" not in server.output.read_text()


def test_a_decision_past_the_callers_deadline_records_nothing(platform):
    with pytest.raises(services.RoutingTooLate):
        services.call_route(
            profile="parent", need="information-jeunesse", caller="+33254111111", deadline=time.monotonic() - 0.01
        )
    assert not Interaction.objects.exists()
    assert not Callback.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_locked_table_answers_503_within_the_sip_budget(platform):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout: runs in the PostgreSQL pass of make test (DATABASE_URL=postgres://…)")
    import psycopg

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"], user=settings_dict["USER"], password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432,
    )  # fmt: skip
    try:
        other.execute("LOCK TABLE contact_interaction IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = Client().post(
            "/contact/sip/route",
            data=json.dumps({"profile": "parent", "need": "autre"}),
            content_type="application/json",
        )
        seconds = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert seconds < 2.0, seconds
    assert not Interaction.objects.exists()
    answer = Client().post(
        "/contact/sip/route", data=json.dumps({"profile": "parent", "need": "autre"}), content_type="application/json"
    )
    assert answer.status_code == 200
