"""Benchmark of the search at national scale (make bench-search).

    python -m bench.search [--actions 230000] [--seconds 10] [--fresh] [OPEN_DATA_DIR]

Builds, once, a SQLite database under var/bench/ with all the reference open data and
the generated feed of 230,000 training actions (the generator of make bench-import),
then rebuilds the search index (timed) and measures, in one run, on 200 realistic
queries of five kinds (occupation words, training words, training words near a town,
training words in a department, places near a town):

- the engine alone, in this process: p50/p95/p99 per kind, then queries per second
  with 1 and 4 processes;
- through HTTP, with the production server (gunicorn, 2 workers) started here: the API
  (/api/v1/search/...) and the HTML results page (/recherche/), p50/p95/p99 per kind
  and requests per second with 1 and 4 concurrent clients;
- the cookie-free audience middleware: its own time per page (target: p95 under 1 ms).

The clients run on the same machine as the server: the figures include their cost.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.figures import percentiles
from bench.import_lheo import generated_feed
from bench.import_reference import ROOT, run
from orientation.utils.net import free_port

QUERIES_PER_KIND = 40
#: the targets of the issue, checked with 4 concurrent clients
TARGETS = {"api": (20.0, 400.0), "html": (50.0, 150.0)}
STOP_WORDS = {"de", "des", "du", "la", "le", "les", "et", "en", "à", "au", "aux", "d", "l", "pour", "sur", "avec"}


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    #: the engine's query (the town already located)
    engine: object
    api: str
    html: str


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _words(title: str, rng: random.Random) -> str:
    """One or two significant words of a title, as people type them (lowercase, sometimes without accents)."""
    words = [word for word in title.replace("'", " ").replace("’", " ").split() if word.lower() not in STOP_WORDS]
    words = [word.strip(",.()-:/") for word in words if len(word.strip(",.()-:/")) > 2] or ["formation"]
    start = rng.randrange(len(words))
    text = " ".join(words[start : start + rng.choice((1, 1, 2))]).lower()
    return _unaccented(text) if rng.random() < 0.3 else text


def build_queries(seed: int = 7) -> list[BenchQuery]:
    from orientation.occupations.models import Appellation
    from orientation.search.query import Kind, SearchQuery, Sort
    from orientation.search.selectors import locate
    from orientation.territories.models import Commune
    from orientation.trainings.models import Formation

    rng = random.Random(seed)
    appellations = list(Appellation.objects.order_by("id").values_list("masculine", "feminine"))
    titles = list(Formation.objects.order_by("id").values_list("title", flat=True)[:20000])
    towns = list(
        Commune.objects.filter(population__isnull=False, latitude__isnull=False)
        .order_by("-population")
        .values_list("name", "department__code")[:300]
    )
    queries: list[BenchQuery] = []

    def add(kind: str, query: SearchQuery, params: dict[str, str], path: str, tab: str) -> None:
        api = f"/api/v1/search/{path}?" + urlencode(params)
        html = {"q": params.get("q", ""), "ou": params.get("where", ""), "type": tab}
        if "department" in params:
            html["department"] = params["department"]
        queries.append(BenchQuery(kind, query, api, "/recherche/?" + urlencode({k: v for k, v in html.items() if v})))

    for _ in range(QUERIES_PER_KIND):
        text = _words(rng.choice(rng.choice(appellations)), rng)
        add("occupation", SearchQuery(text=text, kind=Kind.OCCUPATION), {"q": text}, "occupations", "metiers")
    for _ in range(QUERIES_PER_KIND):
        text = _words(rng.choice(titles), rng)
        add("training", SearchQuery(text=text, kind=Kind.TRAINING), {"q": text}, "trainings", "formations")
    for name, _department in rng.sample(towns, QUERIES_PER_KIND):
        text = _words(rng.choice(titles), rng)
        location = locate(name)
        assert location is not None, name
        query = SearchQuery(
            text=text, kind=Kind.TRAINING, latitude=location.latitude, longitude=location.longitude, radius_km=30
        )
        add("training near", query, {"q": text, "where": name}, "trainings", "formations")
    for _name, department in rng.sample(towns, QUERIES_PER_KIND):
        text = _words(rng.choice(titles), rng)
        query = SearchQuery(text=text, kind=Kind.TRAINING, filters={"department": department})
        add("training dept", query, {"q": text, "department": department}, "trainings", "formations")
    for name, _department in rng.sample(towns, QUERIES_PER_KIND):
        text = rng.choice(("", "", "mission locale", "cio", "emploi", "information jeunesse"))
        location = locate(name)
        assert location is not None, name
        query = SearchQuery(
            text=text,
            kind=Kind.PLACE,
            latitude=location.latitude,
            longitude=location.longitude,
            radius_km=30,
            sort=Sort.DISTANCE,
        )
        add("place near", query, {"q": text, "where": name, "sort": "distance"}, "places", "lieux")
    return queries


def _print_table(title: str, latencies: dict[str, list[float]], seconds: float | None = None) -> tuple[float, float]:
    print(f"\n{title}")
    print(f"  {'kind':<16}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    every: list[float] = []
    for kind, values in latencies.items():
        every.extend(values)
        p50, p95, p99 = percentiles(values)
        print(f"  {kind:<16}{len(values):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}")
    p50, p95, p99 = percentiles(every)
    rate = len(every) / seconds if seconds else 0.0
    tail = f"   {rate:,.0f}/s" if seconds else ""
    print(f"  {'all':<16}{len(every):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{tail}")
    return p95, rate


# --- the engine alone -------------------------------------------------------------------


def _engine_loop(queries: list[BenchQuery], offset: int, seconds: float, output: multiprocessing.Queue) -> None:
    from django.db import connections

    from orientation.search.selectors import _backend, search

    connections.close_all()
    _backend.cache_clear()
    latencies: dict[str, list[float]] = defaultdict(list)
    deadline = time.monotonic() + seconds
    index = offset
    while time.monotonic() < deadline:
        item = queries[index % len(queries)]
        started = time.perf_counter()
        search(item.engine)  # type: ignore[arg-type]
        latencies[item.kind].append((time.perf_counter() - started) * 1000)
        index += 1
    output.put(dict(latencies))


def _concurrent(target, queries: list[BenchQuery], clients: int, seconds: float) -> dict[str, list[float]]:
    print(f"… {clients} client{'s' if clients > 1 else ''} for {seconds:.0f} s", flush=True)
    context = multiprocessing.get_context("fork")
    output = context.Queue()
    step = len(queries) // clients
    workers = [context.Process(target=target, args=(queries, n * step, seconds, output)) for n in range(clients)]
    for worker in workers:
        worker.start()
    merged: dict[str, list[float]] = defaultdict(list)
    for _ in workers:
        for kind, values in output.get().items():
            merged[kind].extend(values)
    for worker in workers:
        worker.join()
    order = {item.kind: None for item in queries}
    return {kind: merged[kind] for kind in [*order, "errors"] if kind in merged}


def bench_engine(queries: list[BenchQuery], seconds: float) -> None:
    from django.db import connections

    from orientation.search.selectors import search

    for item in queries:  # warm the caches: the index files, the synonyms
        search(item.engine)  # type: ignore[arg-type]
    latencies: dict[str, list[float]] = defaultdict(list)
    for _ in range(3):
        for item in queries:
            started = time.perf_counter()
            search(item.engine)  # type: ignore[arg-type]
            latencies[item.kind].append((time.perf_counter() - started) * 1000)
    _print_table("Engine alone, 1 process (3 passes over the 200 queries)", latencies)
    connections.close_all()
    for clients in (1, 4):
        found = _concurrent(_engine_loop, queries, clients, seconds)
        _print_table(f"Engine alone, {clients} process{'es' if clients > 1 else ''}, {seconds:.0f} s", found, seconds)


# --- through HTTP -----------------------------------------------------------------------


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


#: the server's port, set before the clients are forked
_PORT = 0


def _http_loop(queries: list[BenchQuery], offset: int, seconds: float, output: multiprocessing.Queue) -> None:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = 0
    deadline = time.monotonic() + seconds
    index = offset
    while time.monotonic() < deadline:
        item = queries[index % len(queries)]
        started = time.perf_counter()
        status, _body = _get(_PORT, item.api)
        latencies[item.kind].append((time.perf_counter() - started) * 1000)
        errors += status != 200
        index += 1
    latencies["errors"] = [float(errors)]
    output.put(dict(latencies))


def bench_http(queries: list[BenchQuery], env: dict[str, str], seconds: float) -> dict[str, tuple[float, float]]:
    global _PORT
    port = _PORT = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    verdicts: dict[str, tuple[float, float]] = {}
    try:
        for _ in range(100):
            try:
                _get(port, "/")
                break
            except OSError:
                time.sleep(0.2)
        for item in queries:  # warm both workers, and check every query answers
            for path in (item.api, item.html):
                status, body = _get(port, path)
                if status != 200:
                    sys.exit(f"{path} answered {status}: {body[:300]!r}")
        for surface in ("api", "html"):
            paths = [BenchQuery(item.kind, None, item.api if surface == "api" else item.html, "") for item in queries]
            for clients in (1, 4):
                found = _concurrent(_http_loop, paths, clients, seconds)
                errors = sum(found.pop("errors", []))
                name = "API /api/v1/search/…" if surface == "api" else "HTML page /recherche/"
                title = f"{name}, {clients} client{'s' if clients > 1 else ''}, {seconds:.0f} s"
                p95, rate = _print_table(title, found, seconds)
                if errors:
                    print(f"  {errors:.0f} answers were not 200")
                if clients == 4:
                    verdicts[surface] = (p95, rate)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return verdicts


def bench_audience(seconds: float) -> float:
    """What the cookie-free audience middleware adds to a page: its own time per request (the
    page itself is made in advance), with this process's counts written every second (every 30 s
    in production: harsher here) to the real database and shared cache. Returns its p95 in ms."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from orientation.statistics import audience
    from orientation.www.middleware import AudienceMiddleware

    audience.FLUSH_SECONDS = 1
    page = HttpResponse("<html>…</html>", content_type="text/html; charset=utf-8")
    middleware = AudienceMiddleware(lambda request: page)
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    paths = ["/", "/metiers/G1602/", "/recherche/", "/interets/", "/etudes/FOR.9664/"]
    agents = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1",
    ]
    latencies: list[float] = []
    rng = random.Random(3)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        path = rng.choice(paths)
        request = factory.get(
            path,
            HTTP_USER_AGENT=rng.choice(agents),
            REMOTE_ADDR=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
            HTTP_REFERER=rng.choice(["", "https://www.qwant.com/", "http://127.0.0.1/"]),
        )
        request.resolver_match = resolve(path)
        started = time.perf_counter()
        middleware(request)
        latencies.append((time.perf_counter() - started) * 1000)
    p50, p95, p99 = percentiles(latencies)
    print("\nAudience middleware (cookie-free counting), its own time per page")
    print(
        f"  {len(latencies):,} pages: p50 {p50:.3f} ms, p95 {p95:.3f} ms, p99 {p99:.3f} ms, "
        f"max {max(latencies):.1f} ms (a write of the counts)"
    )
    return p95


def bench_environment() -> dict[str, str]:
    """The environment of the benchmarks' database and index under var/bench/ (made by prepare)."""
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'search.sqlite3'}",
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SEARCH_BACKEND": "tantivy",
    }


def prepare(data: Path, actions: int, env: dict[str, str], fresh: bool, reuse_index: bool) -> None:
    database = ROOT / "var" / "bench" / "search.sqlite3"
    ready = ROOT / "var" / "bench" / f"search-{actions}.ready"
    if fresh or not ready.is_file():
        feed = generated_feed(actions, data, env)
        ready.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        run(["migrate", "--noinput", "-v", "0"], env)
        print("importing the reference open data (under a minute)…", flush=True)
        seconds, _peak, _output = run(["import_open_data", str(data)], env)
        print(f"reference open data imported in {seconds:.0f} s")
        print(f"importing {feed.name} (one to two minutes)…", flush=True)
        seconds, _peak, _output = run(["import_lheo", str(feed), "--source", "bench"], env)
        print(f"{feed.name} imported in {seconds:.0f} s")
        ready.write_text(feed.name)
    elif reuse_index and (ROOT / "var" / "bench" / "search-index" / "tantivy" / "CURRENT").is_file():
        print("search index kept from the previous run (--reuse-index)")
        return
    print("rebuilding the search index (under a minute)…", flush=True)
    seconds, peak, output = run(["search_index"], env)
    print(f"{output.strip().splitlines()[-1]} (peak {peak} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("open_data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--actions", type=int, default=230_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each throughput run")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database even if it is there")
    parser.add_argument("--reuse-index", action="store_true", help="keep the search index of the previous run")
    parser.add_argument("--part", choices=("all", "engine", "http", "audience"), default="all")
    options = parser.parse_args()
    data = Path(options.open_data).resolve()
    env = bench_environment()
    if options.part == "audience":
        run(["migrate", "--noinput", "-v", "0"], env)  # the middleware alone needs no catalogue
    else:
        prepare(data, options.actions, env, options.fresh, options.reuse_index)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    queries = build_queries() if options.part != "audience" else []
    print(f"{len(queries)} queries, {QUERIES_PER_KIND} of each kind; machine: {os.cpu_count()} cores")
    if options.part in ("all", "engine"):
        bench_engine(queries, options.seconds)
    verdicts = bench_http(queries, env, options.seconds) if options.part in ("all", "http") else {}
    audience_p95 = bench_audience(options.seconds) if options.part in ("all", "audience") else None
    print()
    if audience_p95 is not None:
        verdict = "OK" if audience_p95 < 1.0 else "MISSED"
        print(f"Audience middleware: p95 {audience_p95:.3f} ms (target < 1 ms): {verdict}")
    for surface, (p95, rate) in verdicts.items():
        p95_target, rate_target = TARGETS[surface]
        verdict = "OK" if p95 < p95_target and rate >= rate_target else "MISSED"
        print(
            f"{surface.upper()} with 4 clients: p95 {p95:.1f} ms (target < {p95_target:.0f}), "
            f"{rate:,.0f}/s (target ≥ {rate_target:.0f}): {verdict}"
        )


if __name__ == "__main__":
    main()
