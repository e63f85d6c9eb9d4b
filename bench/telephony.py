"""Benchmark of the phone platform: sipp places RATE new calls a second for SECONDS seconds
through Kamailio (the shipped configuration) and the routing service (gunicorn, 2 workers, on
a SQLite database of its own); sipp lines answer for a partner queue and the first level.

Prints the calls attempted, succeeded and failed, and the routing endpoint's latency as the
web server measured it (p50, p95, p99, from gunicorn's access log), against the targets: no
failed call, p99 under 50 ms.

    make bench-telephony                 # 50 calls/s for 60 s
    make bench-telephony RATE=20 DURATION=10
    python -m bench.telephony --balancer # the proxy asks HAProxy (the shipped configuration)
                                         # in front of two hosts of one worker each
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.balancer import start_haproxy
from bench.figures import percentiles
from orientation.contact import kamailio
from orientation.utils import net

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "deploy" / "sipp"
TARGET_P99_MS = 50.0
#: the calls' mix: a young person (relayed to the partner), an employer (the first level)
MIX = ["jeune-16-25;formation-financement;41", "employeur;autre;", "jeune-16-25;recherche-emploi;37", "parent;autre;75"]


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    return net.free_port(kind)


def say(text: str) -> None:
    print(text, flush=True)


def prepare(env: dict[str, str], partner: str, first_level: str) -> None:
    """A fresh database with the routing rules of the benchmark."""
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from orientation.contact.models import AdviserTeam, PartnerQueue, RoutingRule
    from orientation.directory.models import Organisation

    always = {"weekly": [{"day": day, "opens": "00:00", "closes": "23:59"} for day in range(7)]}
    organisation = Organisation.objects.create(name="Mission locale (banc d’essai)", typology="ML")
    AdviserTeam.objects.create(name="Premier niveau", target=first_level, opening_hours=always)
    queue = PartnerQueue.objects.create(
        organisation=organisation, name="Mission locale", target=partner, opening_hours=always, transfer_mode="relay"
    )
    RoutingRule.objects.create(name="Jeunes", priority=10, profiles=["jeune-16-25"], queue=queue)
    RoutingRule.objects.create(name="Scolarité", priority=20, needs=["scolarite"])


def sipp_counts(stats: Path) -> dict[str, int]:
    """Calls created, succeeded and failed, from sipp's statistics file (its last line)."""
    lines = [line for line in stats.read_text().splitlines() if line.strip()]
    header, last = lines[0].split(";"), lines[-1].split(";")
    row = dict(zip(header, last, strict=False))
    return {
        "attempted": int(row["TotalCallCreated"]),
        "succeeded": int(row["SuccessfulCall(C)"]),
        "failed": int(row["FailedCall(C)"]),
    }


def warm_up(port: int) -> None:
    """Both workers load Django and open their database before the calls (as in production,
    where they have been up for a while); these requests are not counted."""
    import http.client
    import json

    body = json.dumps({"profile": "parent", "need": "autre", "caller": "", "call_id": "warm-up"})
    for _attempt in range(40):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/contact/sip/route?warm-up", body, {"Content-Type": "application/json"})
        connection.getresponse().read()
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=50, help="new calls per second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--balancer", action="store_true", help="Kamailio asks HAProxy, in front of two web hosts of one worker each"
    )
    options = parser.parse_args()
    folder = ROOT / "var" / "bench" / "telephony"
    folder.mkdir(parents=True, exist_ok=True)
    calls = options.rate * options.seconds
    partner_port, first_port, sip_port = free_port(), free_port(), free_port()
    web_ports = [free_port(socket.SOCK_STREAM) for _host in range(2 if options.balancer else 1)]
    balancer_ports = (free_port(socket.SOCK_STREAM), free_port(socket.SOCK_STREAM))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'telephony.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    say(f"preparing a database with the routing rules… (machine: {os.cpu_count()} cores)")
    prepare(env, f"sip:ml@127.0.0.1:{partner_port}", f"sip:premier-niveau@127.0.0.1:{first_port}")
    access_logs = [folder / f"access-{index}.log" for index in range(len(web_ports))]
    for access_log in access_logs:
        access_log.unlink(missing_ok=True)
    started: list[subprocess.Popen[bytes]] = []

    def spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        started.append(process)
        return process

    try:
        workers = "1" if options.balancer else "2"
        say(
            f"starting {len(web_ports)} gunicorn host(s) of {workers} worker(s), Kamailio on udp 127.0.0.1:{sip_port}"
            + (", HAProxy in front of the hosts" if options.balancer else "")
            + ", two answering lines…"
        )
        for web_port, access_log in zip(web_ports, access_logs, strict=True):
            spawn(
                [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{web_port}", "--workers", workers, "--access-logfile", str(access_log),
                 "--access-logformat", "%(U)s%(q)s %(s)s %(D)s"],
                folder / f"gunicorn-{web_port}.log",
            )  # fmt: skip
        routing_port = web_ports[0]
        if options.balancer:
            started.append(start_haproxy(folder, balancer_ports[0], balancer_ports[1], web_ports))
            routing_port = balancer_ports[1]  # the SIP proxy asks the balancer's internal front
        for port in (partner_port, first_port):
            spawn(
                [
                    "sipp",
                    "-sf",
                    str(SCENARIOS / "answerer.xml"),
                    "-i",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-nostdin",
                    "-timeout",
                    str(options.seconds + 120),
                ],
                folder / f"answerer-{port}.log",
            )
        run = folder / "kamailio"
        run.mkdir(exist_ok=True)
        spawn(
            kamailio.command(
                "kamailio",
                run,
                routing_url=f"http://127.0.0.1:{routing_port}/contact/sip/route",
                first_level=f"sip:premier-niveau@127.0.0.1:{first_port}",
                port=sip_port,
                children=16,
            ),
            folder / "kamailio.log",
        )
        for web_port in web_ports:
            for _attempt in range(100):
                try:
                    socket.create_connection(("127.0.0.1", web_port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            warm_up(web_port)
        if options.balancer:
            time.sleep(5)  # both hosts seen up by the balancer's health checks (rise 2, 2 s apart)
        rows = folder / "calls.csv"
        rows.write_text(
            "SEQUENTIAL\n" + "\n".join(f"0254{index:06d};{MIX[index % len(MIX)]}" for index in range(calls)) + "\n"
        )
        stats = folder / "sipp-stats.csv"
        stats.unlink(missing_ok=True)
        (folder / "sipp-errors.log").unlink(missing_ok=True)
        say(f"placing {calls} calls at {options.rate} a second ({options.seconds} s)…")
        begun = time.monotonic()
        caller = subprocess.run(
            [
                "sipp",
                "-sf",
                str(SCENARIOS / "caller.xml"),
                "-inf",
                str(rows),
                "-i",
                "127.0.0.1",
                "-p",
                str(free_port()),
                "-r",
                str(options.rate),
                "-rp",
                "1000",
                "-m",
                str(calls),
                "-l",
                "400",
                "-nostdin",
                "-timeout",
                str(options.seconds + 60),
                "-trace_stat",
                "-stf",
                str(stats),
                "-fd",
                "1",
                "-trace_err",
                "-error_file",
                str(folder / "sipp-errors.log"),
                f"127.0.0.1:{sip_port}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.monotonic() - begun
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    counts = sipp_counts(stats)
    latencies = [
        int(parts[2]) / 1000
        for access_log in access_logs
        for parts in (line.split() for line in access_log.read_text().splitlines())
        if len(parts) == 3 and parts[0] == "/contact/sip/route" and parts[1] == "200"
    ]
    p50, p95, p99 = percentiles(latencies)
    say("")
    say(
        f"calls attempted {counts['attempted']}, succeeded {counts['succeeded']}, failed {counts['failed']} "
        f"in {elapsed:.1f} s (sipp exit code {caller.returncode})"
    )
    say(f"routing endpoint: {len(latencies)} requests, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms")
    errors = folder / "sipp-errors.log"
    if counts["failed"] and errors.exists():
        say("failed calls, as sipp tells (" + str(errors.relative_to(ROOT)) + "):")
        for line in [line for line in errors.read_text(errors="replace").splitlines() if line.strip()][:6]:
            say("  " + line[:200])
    verdict = counts["failed"] == 0 and counts["attempted"] == calls and p99 < TARGET_P99_MS and caller.returncode == 0
    say(f"targets (no failed call, p99 < {TARGET_P99_MS:.0f} ms): {'OK' if verdict else 'MISSED'}")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
