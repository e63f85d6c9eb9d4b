"""Workers killed at random under load: how many responses are cut after their headers (what a
balancer has begun to forward and cannot send elsewhere) with gunicorn alone, and with the
platform's one-write responses (orientation.utils.gunicorn_response, config/gunicorn.py).

    python -m bench.killed_worker [--seconds 40]

A small WSGI application answers 18 kB pages on 4 workers; 8 clients on loopback ask without a
pause while a worker is killed (SIGKILL) every 0.05–0.15 s, for each of the two servers. It
prints the kills, the whole pages, the connections closed before any byte (the balancer retries
them on another host) and the responses cut after their headers. Loopback only; it stops by
itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from orientation.utils.net import free_port

ROOT = Path(__file__).resolve().parent.parent
PAGE_BYTES = 18_000
APPLICATION = f"""
PAGE = b"x" * {PAGE_BYTES}


def application(environ, start_response):
    total = sum(range(20000))  # a little work, as a page does
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))])
    return [PAGE]
"""
ONE_WRITE = "from orientation.utils.gunicorn_response import install\n\ninstall()\n"


def ask(port: int, counts: Counter[str], stop: threading.Event) -> None:
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            try:
                connection.request("GET", "/")
                response = connection.getresponse()
            except (OSError, http.client.HTTPException):
                counts["closed before any byte"] += 1
                continue
            try:
                whole = len(response.read()) == PAGE_BYTES
            except (OSError, http.client.HTTPException):
                whole = False
            counts["whole" if whole else "cut after the headers"] += 1
        finally:
            connection.close()


def run(folder: Path, config: Path | None, seconds: float) -> tuple[int, Counter[str]]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(folder), "page:application",
               "--bind", f"127.0.0.1:{port}", "--workers", "4"]  # fmt: skip
    if config is not None:
        command += ["--config", str(config)]
    master = subprocess.Popen(
        command,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(2)
        counts: Counter[str] = Counter()
        stop = threading.Event()
        clients = [threading.Thread(target=ask, args=(port, counts, stop)) for _ in range(8)]
        for client in clients:
            client.start()
        kills = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(random.uniform(0.05, 0.15))
            workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
            if workers:
                os.kill(int(random.choice(workers)), signal.SIGKILL)
                kills += 1
        stop.set()
        for client in clients:
            client.join()
        return kills, counts
    finally:
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "page.py").write_text(APPLICATION)
        (Path(folder) / "one_write.py").write_text(ONE_WRITE)
        for name, config in (("gunicorn alone", None), ("one write", Path(folder) / "one_write.py")):
            kills, counts = run(Path(folder), config, options.seconds)
            print(
                f"{name}: {kills} workers killed; {counts['whole']:,} whole pages, "
                f"{counts['closed before any byte']} closed before any byte (retried by the balancer), "
                f"{counts['cut after the headers']} cut after their headers",
                flush=True,
            )


if __name__ == "__main__":
    main()
