"""The shipped load balancer (deploy/haproxy/haproxy.cfg) on loopback, for the tests and the
benchmarks: its TLS front replaced by a plain port, its internal front and its servers moved to
the ports given; everything else (health checks, retries, request ids) as shipped. And the web
hosts behind it (``WebHost``), and how to ask them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "haproxy" / "haproxy.cfg"


def loopback_configuration(public: int, internal: int, servers: list[int]) -> str:
    text = SHIPPED.read_text()
    text = re.sub(r"    bind :80\n    bind :443 [^\n]*\n", f"    bind 127.0.0.1:{public}\n", text)
    text = re.sub(r"    http-request (redirect scheme https|set-header X-Forwarded-Proto)[^\n]*\n", "", text)
    text = text.replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{internal}")
    lines = "".join(f"    server web{number} 127.0.0.1:{port} check\n" for number, port in enumerate(servers, 1))
    text = re.sub(r"(    server web\d [^\n]*\n)+", lines, text)
    if f"127.0.0.1:{public}" not in text or "ssl" in text:
        raise RuntimeError("deploy/haproxy/haproxy.cfg changed shape: bench/balancer.py must follow it")
    return text


def start_haproxy(folder: Path, public: int, internal: int, servers: list[int]) -> subprocess.Popen[bytes]:
    """HAProxy with that configuration, in the foreground of its own process."""
    executable = shutil.which("haproxy") or "/usr/sbin/haproxy"
    configuration = folder / "haproxy.cfg"
    configuration.write_text(loopback_configuration(public, internal, servers))
    return subprocess.Popen(
        [executable, "-f", str(configuration)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def status(url: str) -> int:
    """The HTTP status of a GET (its body read), 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while status(url) != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready after {seconds:.0f} s")
        time.sleep(0.2)


class WebHost:
    """A web host: gunicorn with the project's settings on a fixed port of loopback, so that it
    comes back where the balancer expects it; ``stop`` sends what ``systemctl restart`` sends
    (SIGTERM: the requests under way finish), or SIGKILL for a crash."""

    def __init__(self, folder: Path, port: int, env: dict[str, str], *, workers: int = 2, name: str = ""):
        self.folder, self.port, self.env, self.workers = folder, port, env, workers
        self.name = name or f"host-{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.folder / f"{self.name}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--graceful-timeout", "20"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_ready(f"http://127.0.0.1:{self.port}/sante/")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=40)
