"""Prometheus metrics (django-prometheus): each gunicorn worker serves /metrics on a port of the
platform's network (METRICS_ADDRESS, METRICS_PORTS), counting the requests it answered; the public
port does not serve them."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request

from bench.balancer import status
from tests.conftest import gunicorn_server, migrated_sqlite_database


def _free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports on loopback."""
    for first in range(20000, 40000, count):
        sockets = []
        try:
            for port in range(first, first + count):
                listener = socket.socket()
                listener.bind(("127.0.0.1", port))
                sockets.append(listener)
            return first
        except OSError:
            continue
        finally:
            for listener in sockets:
                listener.close()
    raise AssertionError("no free ports")


def test_each_worker_exports_its_counts_on_the_internal_address_only(tmp_path):
    database = migrated_sqlite_database(tmp_path, "metrics.sqlite3")
    first = _free_ports(4)
    environment = {"METRICS_ADDRESS": "127.0.0.1", "METRICS_PORTS": f"{first}-{first + 3}"}
    with gunicorn_server(tmp_path, f"sqlite:///{database}", workers=2, **environment) as host:
        statuses = [status(f"{host.url}{path}") for path in ["/", "/metiers/", "/sante/"] * 5]
        public = status(f"{host.url}/metrics")
        exported = []
        for port in range(first, first + 4):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                    exported.append(response.read().decode())
            except OSError:
                continue
    assert public == 404
    assert len(exported) == 2  # one port per worker
    answered = sum(
        float(value)
        for text in exported
        for value in re.findall(r'^django_http_responses_total_by_status_total\{status="\d+"\} (\S+)$', text, re.M)
    )
    assert answered >= len(statuses)
    assert all("django_http_requests_latency_seconds_by_view_method_bucket" in text for text in exported)
