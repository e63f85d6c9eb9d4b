"""The whole topology on this machine, under a bounded load and faults (make test-production,
make bench-production).

    python -m bench.production --database postgres://… --redis redis://… [--seconds 90] [--users 16]
                               [--actions 20000] [--hosts 2] [--bench]

What it starts, each part by the project's own scripts and settings, on loopback only: the
PostgreSQL primary (given) and a streaming replica (scripts/postgres.sh replica-start), Redis
(given), a worker's folder that builds and publishes the search index, two web hosts (gunicorn,
SEARCH_INDEX_SHARED, the replica for their public reads), and HAProxy with the shipped
configuration in front of them. It loads the real open data and a generated feed of ACTIONS
training actions, then Locust's visitors (bench/locustfile.py, headless) search, read pages and
the API, and send the callback form, while it:

1. kills a web host (SIGKILL, a crash) and brings it back;
2. stops the replica at once (reads go to the primary);
3. restarts every host in turn (SIGTERM, as a release does);

and meanwhile imports a changed feed, whose new index the worker publishes and every host takes.
The load lasts SECONDS seconds, or longer until the faults and the import are over and every host
serves the new index (the 230,000-action import takes minutes), at most LONGEST_WAIT more.

It then prints the requests, failures, p50/p95/p99 and requests a second through the balancer,
the time from the import's commit to every host serving its index, and checks: no failed request
(a callback whose host died under it is sent again, as a person would, and counted apart), every
confirmed callback in the database exactly once, every host on the newest index. Exit 1 if not.
``--bench`` (make bench-production) then measures, without faults, the whole topology and one
host alone (the throughput ratio), and the API search's p95 through the balancer against the
engine alone in this process (target: within 3x).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from bench.balancer import WebHost, start_haproxy, wait_ready
from bench.import_lheo import generated_feed
from orientation.utils.net import free_port

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "bench" / "production"
#: seconds for HAProxy to see a host that answers again as up (deploy/haproxy/haproxy.cfg:
#: inter 2s, rise 2), and a margin
SEEN_UP = 5.0
#: the longest the load goes on past its SECONDS for the faults and the import to end (the
#: 230,000-action import and its index take minutes), and the longest a published index may take
#: to reach every host (the README's promise: within a minute)
LONGEST_WAIT = 900
REACHES_HOSTS = 60.0


def say(text: str) -> None:
    print(text, flush=True)


def manage(env: dict[str, str], *arguments: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


class Host(WebHost):
    """A web host with its own index folder, taken from the published version before it starts
    (the web unit's ExecStartPre)."""

    def __init__(self, number: int, port: int, env: dict[str, str], workers: int):
        self.number = number
        self.index = FOLDER / f"host-{number}-index"
        super().__init__(
            FOLDER, port, env | {"SEARCH_INDEX_DIR": str(self.index)}, workers=workers, name=f"host-{number}"
        )

    def start(self) -> None:
        manage(self.env, "search_index_sync")
        super().start()


def serving(index_folder: Path) -> str:
    """The index version a host's web processes serve (they read the pointer within a second)."""
    try:
        return (index_folder / "tantivy" / "CURRENT").read_text().strip()
    except OSError:
        return ""


def locust(
    public: int,
    users: int,
    seconds: int,
    prefix: Path,
    env: dict[str, str],
    *,
    until: Sequence[threading.Thread] = (),
) -> dict[str, dict[str, str]]:
    """Locust, headless, against the balancer, for ``seconds`` and, past them, until the threads
    ``until`` have ended (the faults, the import: what the load must be under), at most
    LONGEST_WAIT more; its statistics' rows by name (« Aggregated »: all)."""
    ends = seconds + (LONGEST_WAIT if until else 0)
    visitors = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "-u", str(users), "-r", str(users),
         "--run-time", f"{ends}s", "--host", f"http://127.0.0.1:{public}", "--csv", str(prefix), "--only-summary",
         "--loglevel", "WARNING", "--stop-timeout", "10"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(FOLDER / "locust.log").open("w"),
    )  # fmt: skip
    started = time.monotonic()
    try:
        visitors.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        for thread in until:
            thread.join(timeout=max(0.0, started + ends - time.monotonic()))
        visitors.send_signal(signal.SIGTERM)  # Locust stops its visitors and writes its statistics
    visitors.wait(timeout=60)
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def figures(row: dict[str, str]) -> str:
    return (
        f"{int(row['Request Count']):,} requests, {int(row['Failure Count'])} failed, "
        f"{float(row['Requests/s']):.0f}/s; p50 {row['50%']} ms, p95 {row['95%']} ms, p99 {row['99%']} ms"
    )


def engine_alone(seconds: float) -> tuple[float, float, float]:
    """p50/p95/p99 (ms) of the visitors' API searches asked of the engine in this process, with
    nothing else running: what a search costs before HTTP, Django and the balancer."""
    from bench.figures import percentiles
    from bench.visitors import SEARCHES
    from orientation.search.query import Kind, SearchQuery
    from orientation.search.selectors import search

    queries = [SearchQuery(text=words, kind=Kind.TRAINING) for words in SEARCHES]
    for query in queries:  # warm: the index files, the synonyms
        search(query)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for query in queries:
            started = time.perf_counter()
            search(query)
            latencies.append((time.perf_counter() - started) * 1000)
    return percentiles(latencies)


def one_client(port: int, seconds: float) -> tuple[float, float, float]:
    """p50/p95/p99 (ms) of the visitors' API searches sent one at a time through the balancer,
    nothing else running: the engine plus what HTTP, Django and the balancer add to it."""
    import http.client
    from urllib.parse import quote

    from bench.figures import percentiles
    from bench.visitors import SEARCHES

    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.monotonic() < deadline:
            for words in SEARCHES:
                started = time.perf_counter()
                connection.request("GET", f"/api/v1/search/trainings?q={quote(words)}")
                response = connection.getresponse()
                response.read()
                assert response.status == 200, response.status
                latencies.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return percentiles(latencies[len(SEARCHES) :])  # the first round warms the hosts


def bench_figures(public: int, hosts: list[Host], options: argparse.Namespace, env: dict[str, str]) -> None:
    """The README's figures, without faults: the whole topology, then one host alone (the ratio
    says what each host adds on this machine), and a search's p95 through the balancer against
    the engine alone."""
    probe = min(30, options.seconds)
    alone_through = one_client(public, probe)
    say(f"the visitors' API searches one at a time through the balancer, no other load: p50 "
        f"{alone_through[0]:.1f} ms, p95 {alone_through[1]:.1f} ms, p99 {alone_through[2]:.1f} ms")  # fmt: skip
    say(f"without faults: {options.users} visitors for {options.seconds} s through the balancer…")
    topology = locust(public, options.users, options.seconds, FOLDER / "topology", env)
    say(f"  through the balancer, {len(hosts)} hosts: {figures(topology['Aggregated'])}")
    for host in hosts[1:]:
        host.stop()
    say(f"without faults: {options.users} visitors for {options.seconds} s on host 1 alone…")
    alone = locust(hosts[0].port, options.users, options.seconds, FOLDER / "alone", env)
    say(f"  one host alone, no balancer: {figures(alone['Aggregated'])}")
    ratio = float(topology["Aggregated"]["Requests/s"]) / float(alone["Aggregated"]["Requests/s"])
    say(f"throughput of the topology / one host alone: {ratio:.2f}")
    engine = engine_alone(probe)
    say(f"the engine alone, this process, the visitors' API searches: p50 {engine[0]:.1f} ms, "
        f"p95 {engine[1]:.1f} ms, p99 {engine[2]:.1f} ms")  # fmt: skip
    for name in ("/api/v1/search/trainings", "/recherche/?q=…&ou=…"):
        through = topology[name]
        say(f"  {name} through the balancer under load: p50 {through['50%']} ms, p95 {through['95%']} ms "
            f"= {float(through['95%']) / engine[1]:.1f}x the engine's p95")  # fmt: skip
    times = alone_through[1] / engine[1]
    say(f"target, an API search's p95 through the balancer (one at a time) within 3x the engine alone: "
        f"{'met' if times <= 3 else 'NOT met'} ({times:.1f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="the PostgreSQL server (scripts/postgres.sh start)")
    parser.add_argument("--redis", required=True, help="Redis (scripts/redis.sh start)")
    parser.add_argument("--open-data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--bench", action="store_true", help="also one host alone, without faults")
    options = parser.parse_args()
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    FOLDER.mkdir(parents=True)
    server = options.database.rsplit("/", 1)[0]
    name = f"production_{uuid.uuid4().hex[:8]}"
    import psycopg

    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    env = os.environ | {
        "DATABASE_URL": f"{server}/{name}",
        "REDIS_URL": options.redis,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_IPS": "127.0.0.1",
        "SEARCH_INDEX_SHARED": "1",
        "ORIENTATION_VAR_DIR": str(FOLDER / "var"),
        "CONFIRMED_FILE": str(FOLDER / "confirmed.txt"),
    }
    worker = env | {"SEARCH_INDEX_DIR": str(FOLDER / "worker-index")}
    started: list[subprocess.Popen[bytes]] = []
    hosts: list[Host] = []
    replica_up = False
    verdict = True
    try:
        say(f"loading the real open data and a generated feed of {options.actions:,} actions into PostgreSQL…")
        begun = time.monotonic()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "import_open_data", options.open_data)
        feed = generated_feed(options.actions, Path(options.open_data), env)
        manage(env, "import_lheo", str(feed), "--source", "carif")
        manage(worker, "search_index")
        say(f"  loaded and indexed in {time.monotonic() - begun:.0f} s")
        replica_server = (
            subprocess.run(
                ["scripts/postgres.sh", "replica-start"], cwd=ROOT, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        replica_up = True
        web = env | {"DATABASE_REPLICA_URL": f"{replica_server}/{name}"}
        hosts = [Host(number, free_port(), web, workers=2) for number in range(1, options.hosts + 1)]
        for host in hosts:
            host.start()
        public, internal = free_port(), free_port()
        started.append(start_haproxy(FOLDER, public, internal, [host.port for host in hosts]))
        wait_ready(f"http://127.0.0.1:{public}/sante/")
        time.sleep(5)  # every host seen up by the health checks (rise 2, 2 s apart)

        os.environ.update(worker)  # the engine alone (--bench) reads the worker's index
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from orientation.search.models import IndexVersion
        from orientation.search.publication import index_sync

        stop_sync = threading.Event()

        def timer() -> None:
            """Each host's orientation-index-sync.timer, every 5 s here."""
            while not stop_sync.wait(5):
                for host in hosts:
                    try:
                        index_sync(host.index / "tantivy")
                    except Exception as error:  # said, and tried again at the next tick
                        say(f"  index sync of host {host.number}: {error}")

        threading.Thread(target=timer, daemon=True).start()
        events: list[str] = []
        imported: dict[str, float] = {}

        def faults() -> None:
            step = options.seconds / 10
            time.sleep(1.5 * step)
            events.append(f"{time.strftime('%X')} host 1 killed (SIGKILL)")
            hosts[0].stop(signal.SIGKILL)
            time.sleep(step)
            hosts[0].start()
            events.append(f"{time.strftime('%X')} host 1 back")
            time.sleep(step)
            subprocess.run(["scripts/postgres.sh", "replica-stop"], cwd=ROOT, check=False, capture_output=True)
            events.append(f"{time.strftime('%X')} replica stopped at once")
            time.sleep(step)
            for host in hosts:
                host.stop()
                host.start()
                events.append(f"{time.strftime('%X')} host {host.number} restarted")
                # as an operator does: the next host only once the balancer sees this one up
                time.sleep(max(step / 2, SEEN_UP))

        def import_changed() -> None:
            """The worker's import of a changed feed and its index, while the faults go on."""
            from orientation.trainings.generator import derive

            time.sleep(options.seconds / 10)
            changed = FOLDER / "feed-changed.xml"
            derive(feed, changed, change=0.01, remove=0.001, seed=7)
            imported["start"] = time.monotonic()
            events.append(f"{time.strftime('%X')} import of a changed feed started")
            manage(env, "import_lheo", str(changed), "--source", "carif")
            imported["commit"] = time.monotonic()
            events.append(f"{time.strftime('%X')} changed feed imported")
            manage(worker, "search_index")
            imported["published"] = time.monotonic()
            events.append(f"{time.strftime('%X')} its index published")
            stamp = serving(Path(worker["SEARCH_INDEX_DIR"]))
            deadline = imported["published"] + REACHES_HOSTS
            # The hosts' timers take it (or a host restarted meanwhile, before it answered), under the load.
            while time.monotonic() < deadline and {serving(host.index) for host in hosts} != {stamp}:
                time.sleep(0.2)
            if {serving(host.index) for host in hosts} == {stamp}:
                imported["served"] = time.monotonic()
                events.append(f"{time.strftime('%X')} its index served by every host")

        threads = [threading.Thread(target=faults), threading.Thread(target=import_changed)]
        say(f"{options.users} visitors for {options.seconds} s through the balancer, with the faults and an import…")
        for thread in threads:
            thread.start()
        row = locust(public, options.users, options.seconds, FOLDER / "locust", env, until=threads)["Aggregated"]
        for thread in threads:
            thread.join(timeout=LONGEST_WAIT)
        stop_sync.set()
        for event in events:
            say(f"  {event}")
        say(f"through the balancer: {figures(row)}")
        resent = FOLDER / "confirmed.txt.resent"
        if resent.exists():
            say(
                f"  callbacks sent again after their host died under them: {len(resent.read_text().split(chr(10))) - 1}"
            )
        failures = int(row["Failure Count"])
        if failures:
            verdict = False
            say(f"FAILED: {failures} requests failed (var/bench/production/locust_failures.csv)")
        confirmed = {
            "+33" + number.strip()[1:] for number in (FOLDER / "confirmed.txt").read_text().split() if number.strip()
        }
        from orientation.contact.models import Callback

        stored = list(Callback.objects.filter(number__in=confirmed).values_list("number", flat=True))
        say(f"callbacks confirmed to visitors: {len(confirmed)}, in the database: {len(set(stored))}, twice: "
            f"{len(stored) - len(set(stored))}")  # fmt: skip
        if set(stored) != confirmed or len(stored) != len(set(stored)):
            verdict = False
            say("FAILED: a confirmed callback is missing or doubled")
        newest = IndexVersion.objects.filter(complete=True).first()
        on_hosts = {host.number: serving(host.index) for host in hosts}
        if newest is None or set(on_hosts.values()) != {newest.stamp} or "served" not in imported:
            verdict = False
            say(f"FAILED: the hosts serve {on_hosts}, the newest index is {newest}")
        else:
            last = imported["served"]
            say(f"the import of the changed feed: committed in {imported['commit'] - imported['start']:.0f} s, its "
                f"index published {imported['published'] - imported['commit']:.1f} s after the commit and served by "
                f"every host {last - imported['commit']:.1f} s after it ({last - imported['published']:.1f} s after "
                f"its publication), under the load")  # fmt: skip
        if options.bench:
            bench_figures(public, hosts, options, env)
    finally:
        for host in hosts:
            host.stop()
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
        if replica_up:
            subprocess.run(["scripts/postgres.sh", "replica-stop"], cwd=ROOT, check=False, capture_output=True)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    say("production proof: " + ("OK" if verdict else "FAILED"))
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
