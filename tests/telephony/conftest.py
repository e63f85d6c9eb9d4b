"""Real SIP on loopback: Kamailio with the shipped configuration, asking the platform served
by the test server, and sipp as callers, partner queues and first-level advisers.

Kamailio and sipp come from Debian's packages (``scripts/telephony.sh`` installs them; ``make
test`` runs it). Outside CI, without them, these tests are skipped with a message; in CI it
is an error.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from orientation.contact import kamailio
from orientation.utils.net import free_port as shared_free_port
from tests.conftest import REPOSITORY

SCENARIOS = REPOSITORY / "deploy" / "sipp"


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (scripts/telephony.sh installs it; CI must run these tests)")
    pytest.skip(message + ": run scripts/telephony.sh, or make test-telephony")


@pytest.fixture(scope="session")
def sip_tools() -> dict[str, str]:
    tools = {name: shutil.which(name) or f"/usr/sbin/{name}" for name in ("kamailio", "sipp")}
    for name, path in tools.items():
        if not Path(path).exists():
            _missing(f"{name} is missing")
    return tools


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A UDP port by default: SIP's."""
    return shared_free_port(kind)


@dataclass
class Kamailio:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Processes:
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def processes() -> Iterator[Processes]:
    found = Processes()
    yield found
    found.stop()


def start_kamailio(
    tools: dict[str, str], processes: Processes, tmp_path: Path, *, routing_url: str, first_level: str
) -> Kamailio:
    port = free_port()
    run = tmp_path / f"kamailio-{port}"
    run.mkdir()
    log = run / "kamailio.log"
    line = kamailio.command(tools["kamailio"], run, routing_url=routing_url, first_level=first_level, port=port)
    with log.open("wb") as output:
        process = subprocess.Popen(line, stdout=output, stderr=subprocess.STDOUT)
    processes.started.append(process)
    try:
        kamailio.wait_listening(process, log)
    except RuntimeError as error:
        pytest.fail(str(error))
    return Kamailio(port=port, process=process, log=log)


def start_answerer(
    tools: dict[str, str], processes: Processes, tmp_path: Path, *, calls: int = 1
) -> tuple[int, subprocess.Popen[bytes]]:
    """A sipp line that answers ``calls`` calls (a partner queue or the first level)."""
    port = free_port()
    process = subprocess.Popen(
        [
            tools["sipp"],
            "-sf",
            str(SCENARIOS / "answerer.xml"),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(calls),
            "-timeout",
            "30",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-error_file",
            str(tmp_path / f"answerer-{port}.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    processes.started.append(process)
    time.sleep(0.2)
    assert process.poll() is None, "the answering sipp stopped at start"
    return port, process


def call(
    tools: dict[str, str], tmp_path: Path, kamailio: Kamailio, scenario: str, rows: list[str], *, timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    """Place calls with sipp: one row each, « number;profile;need;department »."""
    calls = tmp_path / f"calls-{time.monotonic_ns()}.csv"
    calls.write_text("SEQUENTIAL\n" + "\n".join(rows) + "\n")
    log = tmp_path / f"caller-{time.monotonic_ns()}.log"
    result = subprocess.run(
        [
            tools["sipp"],
            "-sf",
            str(SCENARIOS / scenario),
            "-inf",
            str(calls),
            "-i",
            "127.0.0.1",
            "-p",
            str(free_port()),
            "-m",
            str(len(rows)),
            "-timeout",
            str(int(timeout)),
            "-timeout_error",
            "-nostdin",
            "-trace_logs",
            "-log_file",
            str(log),
            "-trace_err",
            "-error_file",
            str(log.with_suffix(".err")),
            f"127.0.0.1:{kamailio.port}",
        ],
        capture_output=True,
        text=True,
        timeout=timeout + 10,
    )
    result.log = log.read_text(errors="replace") if log.exists() else ""  # type: ignore[attr-defined]
    result.errors = log.with_suffix(".err").read_text(errors="replace") if log.with_suffix(".err").exists() else ""  # type: ignore[attr-defined]
    return result
