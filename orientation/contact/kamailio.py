"""The SIP proxy, Kamailio, run with the shipped configuration (``deploy/kamailio/kamailio.cfg``):
the command line with its defines, and the wait until it listens. The telephony tests, the
telephony benchmark and an operator's unit start it the same way.

The defines: ``ROUTING_URL`` (where Kamailio asks the platform where a call goes),
``FIRST_LEVEL`` (the first-level advisers' SIP address), ``LISTEN`` and ``CHILDREN``.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

CONFIGURATION = Path(__file__).resolve().parents[2] / "deploy" / "kamailio" / "kamailio.cfg"


def command(
    executable: str, run_dir: Path, *, routing_url: str, first_level: str, port: int, children: int = 2
) -> list[str]:
    """Kamailio in the foreground, logging to standard error, its runtime files in ``run_dir``."""
    return [
        executable,
        "-f",
        str(CONFIGURATION),
        "-DD",
        "-E",
        "-Y",
        str(run_dir),
        "-P",
        str(run_dir / "kamailio.pid"),
        "-A",
        f'ROUTING_URL="{routing_url}"',
        "-A",
        f'FIRST_LEVEL="{first_level}"',
        "-A",
        f"LISTEN=udp:127.0.0.1:{port}",
        "-A",
        f"CHILDREN={children}",
    ]


def wait_listening(process: subprocess.Popen[bytes], log: Path, *, timeout: float = 10.0) -> None:
    """Return once Kamailio says it listens; ``RuntimeError`` with its log if it stopped or
    did not start in time."""
    deadline = time.monotonic() + timeout
    while "Listening on" not in log.read_text(errors="replace"):
        if process.poll() is not None:
            raise RuntimeError(f"kamailio stopped at start:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"kamailio did not start in {timeout:.0f} s")
        time.sleep(0.05)
    time.sleep(0.3)  # its children bind after the main process says so
