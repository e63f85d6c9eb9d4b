"""The logs of a web host in production's format: one JSON object per line, each event of a
request carrying the load balancer's request id (X-Request-ID), Django's own warnings included,
and never the visitor's address, user agent or e-mail address."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.conftest import gunicorn_server, migrated_sqlite_database

ADDRESS_IN_QUERY = "camille.martin@example.org"


def _get(url: str, **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_each_line_is_json_with_the_request_id_and_nothing_personal(tmp_path):
    database = migrated_sqlite_database(tmp_path, "logs.sqlite3")
    agent = "Mozilla/5.0 (Linux; Android 14) Mobile UniqueAgent/42"
    with gunicorn_server(tmp_path, f"sqlite:///{database}", LOG_FORMAT="json") as host:
        found = _get(f"{host.url}/metiers/?q={ADDRESS_IN_QUERY}", **{"X-Request-ID": "lb-123", "User-Agent": agent})
        missing = _get(f"{host.url}/page-qui-n-existe-pas/", **{"X-Request-ID": "lb-404", "User-Agent": agent})
        text = host.output.read_text()
    assert (found, missing) == (200, 404)
    events = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    by_request: dict[str, list[dict]] = {}
    for event in events:
        by_request.setdefault(event.get("request_id", ""), []).append(event)
    assert {event["event"] for event in by_request["lb-123"]} >= {"request_started", "request_finished"}
    finished = next(event for event in by_request["lb-123"] if event["event"] == "request_finished")
    assert finished["code"] == 200
    assert finished["level"] == "info"
    assert "timestamp" in finished
    # Django's own warning of a 404 is a structured line of its request too
    assert any("Not Found" in event["event"] for event in by_request["lb-404"]), by_request["lb-404"]
    assert ADDRESS_IN_QUERY not in text
    assert "[adresse]" in finished["request"]
    assert "UniqueAgent" not in text
    assert "127.0.0.1" not in "".join(json.dumps({k: v for k, v in event.items() if k != "event"}) for event in events)
    assert not any(key in event for event in events for key in ("ip", "user_agent", "user_id"))
