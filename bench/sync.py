"""How long a re-user takes to keep a copy of the 230,000 training actions (make bench-sync).

    python -m bench.sync [--actions 230000] [OPEN_DATA_DIR]

On the database of make bench-search (built here if missing), with the production server
(gunicorn, 2 workers) on loopback, a client does what a re-user does:

1. a full sync: ``GET /api/v1/trainings?limit=1000``, then each ``next`` until there is none;
2. an import changes 1 % of the actions and closes 0.1 % of them;
3. an incremental sync: the same with ``updated_since=`` the moment of the full sync;
4. the nightly files instead (``open_data_export``): their time, peak memory and sizes.

It prints, for each, the requests, the records, the time and the records per second, and checks
that the full sync read every open action once and the incremental one every change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.import_reference import ROOT, run
from bench.search import _get, bench_environment, prepare
from orientation.utils.net import free_port


def _sync(port: int, params: dict[str, str]) -> tuple[int, dict[int, bool], float]:
    """Requests made, records read (id → closed) and seconds taken."""
    started = time.perf_counter()
    path = "/api/v1/trainings?" + urlencode(params)
    records: dict[int, bool] = {}
    requests = 0
    while path:
        status, body = _get(port, path)
        requests += 1
        if status != 200:
            sys.exit(f"{path} answered {status}: {body[:300]!r}")
        page = json.loads(body)
        for item in page["results"]:
            if item["id"] in records and not params.get("updated_since"):
                sys.exit(f"action {item['id']} read twice in a full sync")
            records[item["id"]] = item["closed"]
        path = ""
        if page["next"]:
            parts = urlsplit(page["next"])
            path = f"{parts.path}?{parts.query}"
    return requests, records, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("open_data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--actions", type=int, default=230_000)
    options = parser.parse_args()
    env = bench_environment()
    prepare(Path(options.open_data).resolve(), options.actions, env, fresh=False, reuse_index=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from orientation.trainings.models import Action

    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    opened = Action.objects.open().count()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                _get(port, "/api/v1/trainings?limit=1")
                break
            except OSError:
                time.sleep(0.2)
        synced_at = timezone.now()
        requests, records, seconds = _sync(port, {"limit": "1000"})
        print(f"full sync: {requests} requests, {len(records):,} actions in {seconds:.1f} s "
              f"({len(records) / seconds:,.0f} actions/s)")  # fmt: skip
        assert len(records) == opened, (len(records), opened)
        rng = random.Random(5)
        ids = list(Action.objects.open().values_list("pk", flat=True))
        changed = rng.sample(ids, len(ids) // 100)
        closed = changed[: len(ids) // 1000]
        later = timezone.now()
        with transaction.atomic():
            for start in range(0, len(changed), 900):
                Action.objects.filter(pk__in=changed[start : start + 900]).update(updated_at=later)
            Action.objects.filter(pk__in=closed).update(closed_at=later, updated_at=later)
        connection.close()
        print(f"an import changed {len(changed):,} actions and closed {len(closed):,} of them")
        requests, records, seconds = _sync(port, {"limit": "1000", "updated_since": synced_at.isoformat()})
        print(f"incremental sync: {requests} requests, {len(records):,} actions in {seconds:.2f} s "
              f"({sum(records.values()):,} flagged closed)")  # fmt: skip
        assert set(records) == set(changed), "the incremental sync reads exactly what changed"
        assert {pk for pk, is_closed in records.items() if is_closed} == set(closed)
        with transaction.atomic():  # the bench's database back as the next run expects it
            Action.objects.filter(pk__in=closed).update(closed_at=None)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    # the nightly files a re-user downloads instead (JSON Lines, CSV, LHEO, data·inclusion)
    folder = ROOT / "var" / "bench" / "open-data"
    seconds, peak, output = run(["open_data_export", "--folder", str(folder)], env)
    print(output.strip())
    sizes = ", ".join(
        f"{path.name} {path.stat().st_size / 1e6:.1f} MB" for path in sorted(folder.iterdir()) if path.is_file()
    )
    print(f"nightly files: {seconds:.1f} s, peak memory {peak} MB ({sizes})")


if __name__ == "__main__":
    main()
