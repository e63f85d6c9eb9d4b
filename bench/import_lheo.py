"""Benchmark of the LHEO import at national scale (make bench-import).

    python -m bench.import_lheo [--actions 230000] [OPEN_DATA_DIR]

Generates the feed once (var/bench/lheo-<N>.xml), imports the reference data it
refers to into a fresh SQLite database (not timed), then times, each in its own
process: a first import, a re-import of the same feed, and a re-import of a copy
where 5 % of actions changed and 2 % were removed. Prints wall time, actions per
second and the peak memory of each run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from bench.import_reference import ROOT, run

TARGETS = {"first import": 180.0, "same feed again": 60.0}


def generated_feed(actions: int, data: Path, env: dict[str, str]) -> Path:
    """The generated feed of that many actions under var/bench/, generated once (seed 1)."""
    feed = ROOT / "var" / "bench" / f"lheo-{actions}.xml"
    if not feed.is_file():
        feed.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {feed.name} (a few minutes, once)…", flush=True)
        _seconds, _peak, output = run(
            ["generate_lheo", "--actions", str(actions), "--seed", "1", "--open-data", str(data), str(feed)], env
        )
        print(output.strip().splitlines()[-1])
    return feed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("open_data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--actions", type=int, default=230_000)
    options = parser.parse_args()
    data = Path(options.open_data).resolve()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    variant = folder / f"lheo-{options.actions}-changed.xml"
    database = folder / "lheo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    feed = generated_feed(options.actions, data, env)
    if not variant.is_file():
        sys.path.insert(0, str(ROOT))
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from orientation.trainings.generator import derive

        kept, changed, removed = derive(feed, variant, change=0.05, remove=0.02, seed=2)
        print(f"variant: {kept} actions kept, {changed} changed, {removed} removed")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    run(["migrate", "--noinput", "-v", "0"], env)
    started = time.monotonic()
    run(["import_territories", str(data / "territoires")], env)
    run(["import_rome", str(data / "rome")], env)
    print(f"reference data loaded in {time.monotonic() - started:.0f} s (not timed below)")
    print(f"feed: {feed.name}, {feed.stat().st_size / 1024**2:.0f} MB, {options.actions:,} actions")
    print(f"{'run':<22}{'seconds':>9}{'actions/s':>11}{'peak MB':>9}  summary")
    for label, path in (("first import", feed), ("same feed again", feed), ("5 % changed, 2 % gone", variant)):
        seconds, peak, output = run(["import_lheo", str(path), "--source", "bench"], env)
        summary = next((line for line in output.splitlines() if line.startswith("Terminé")), output[-300:])
        summary = re.sub(r" \[.*", "", summary)
        target = TARGETS.get(label)
        verdict = "" if target is None else (" OK" if seconds < target else f" OVER the {target:.0f} s target")
        print(f"{label:<22}{seconds:>9.1f}{options.actions / seconds:>11,.0f}{peak:>9}  {summary}{verdict}")


if __name__ == "__main__":
    main()
