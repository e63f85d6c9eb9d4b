"""A release without a failed request: two web hosts behind the shipped HAProxy configuration
(deploy/haproxy/haproxy.cfg, its TLS front replaced by plain loopback), restarted one at a time
(SIGTERM, gunicorn finishes what is under way) while a client keeps asking for pages and API
answers through the load balancer. HAProxy's health checks take a stopped host out, and its
retries send a refused connection to the other host."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from bench.balancer import WebHost, start_haproxy, status, wait_ready
from orientation.utils.net import free_port
from tests.conftest import REPOSITORY, migrated_sqlite_database

PATHS = ["/", "/metiers/J1506/", "/api/v1/occupations/J1506", "/recherche/?q=infirmier"]


@pytest.fixture
def haproxy() -> str:
    found = shutil.which("haproxy")
    if found is None:
        message = "haproxy absent : scripts/test_tools.sh l’installe (c’est le cas en CI)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_hosts_restarted_one_at_a_time_lose_no_request(haproxy, tmp_path):
    database = migrated_sqlite_database(tmp_path, "rolling.sqlite3")
    environment = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "ORIENTATION_VAR_DIR": str(tmp_path / "var"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    for command in (["load_demo_data"], ["search_index"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=REPOSITORY, env=environment, check=True,
                       capture_output=True)  # fmt: skip
    hosts = [WebHost(tmp_path, free_port(), environment) for _ in range(2)]
    for host in hosts:
        host.start()
    public, internal = free_port(), free_port()
    balancer = start_haproxy(tmp_path, public, internal, [host.port for host in hosts])
    answers: list[tuple[str, int]] = []
    stop = threading.Event()

    def client() -> None:
        number = 0
        while not stop.is_set():
            path = PATHS[number % len(PATHS)]
            answers.append((path, status(f"http://127.0.0.1:{public}{path}")))
            number += 1

    try:
        wait_ready(f"http://127.0.0.1:{public}/sante/")
        time.sleep(5)  # both hosts seen up by the health checks (rise 2, 2 s apart)
        clients = [threading.Thread(target=client) for _ in range(2)]
        for thread in clients:
            thread.start()
        time.sleep(2)
        for host in hosts:  # the release: one host at a time
            host.stop()
            time.sleep(1)
            host.start()
            time.sleep(6)  # back in the balancer's rotation before the next one goes
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
    finally:
        stop.set()
        balancer.terminate()
        balancer.wait(timeout=10)
        for host in hosts:
            if host.process and host.process.poll() is None:
                host.stop()
    failed = [(path, status) for path, status in answers if status != 200]
    assert len(answers) > 100, len(answers)
    assert failed == [], f"{len(failed)} of {len(answers)} failed: {failed[:10]}"
