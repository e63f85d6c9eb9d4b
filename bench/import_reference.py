"""Benchmark of the reference-data import: time and peak memory of each step.

    python -m bench.import_reference [OPEN_DATA_DIR]      (make bench-import-reference)

Each step runs in its own process on a fresh SQLite database under var/bench/, first
on an empty database, then again on the same data (which must change nothing), and
prints wall time, records per second and the peak memory of that process (and of any
process it starts).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = [
    ("import_territories", "territoires"),
    ("import_rome", "rome"),
    ("import_onisep", "onisep"),
    ("import_places", "lieux"),
]
TARGET_SECONDS = 90


def _tree(pid: int) -> list[int]:
    """The process and its descendants (an import reads its feed in a second process)."""
    found = [pid]
    for current in found:
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> int:
    """Memory of a process tree: the sum of proportional set sizes, so that pages a
    forked reader shares with its parent are counted once."""
    total = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a manage.py command in a child process; return (seconds, peak memory in MB, output).

    The peak is the larger of the process's own peak RSS (os.wait4, exact) and the
    highest total of its process tree sampled every 0.2 s.
    """
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as output_file:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=output_file, stderr=subprocess.STDOUT
        )
        peak_tree = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not stop.wait(0.2):
                peak_tree = max(peak_tree, _memory_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        stop.set()
        sampler.join()
        elapsed = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output_file.seek(0)
        output = output_file.read()
    if process.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{output}")
    return elapsed, max(usage.ru_maxrss, peak_tree) // 1024, output


def records(output: str) -> int:
    match = re.search(r"(\d+) créés, (\d+) mis à jour, (\d+) inchangés", output)
    return sum(int(group) for group in match.groups()) if match else 0


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "data").resolve()
    if not data.is_dir():
        sys.exit(f"open data folder not found: {data}")
    database = ROOT / "var" / "bench" / "reference.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    run(["migrate", "--noinput", "-v", "0"], env)

    print(f"Reference import benchmark — data: {data}, database: SQLite {database.relative_to(ROOT)}")
    print(f"{'step':<22}{'pass':<8}{'seconds':>9}{'records':>10}{'records/s':>11}{'peak MB':>9}")
    totals = {"first": 0.0, "second": 0.0}
    peaks = []
    for passage in ("first", "second"):
        for command, folder in STEPS:
            seconds, peak, output = run([command, str(data / folder)], env)
            count = records(output)
            totals[passage] += seconds
            peaks.append(peak)
            print(f"{command:<22}{passage:<8}{seconds:>9.1f}{count:>10,}{count / seconds:>11,.0f}{peak:>9}")
            if passage == "second" and "Aucun changement" not in output:
                sys.exit(f"{command}: the second pass changed data:\n{output}")
    print(f"{'total':<22}{'first':<8}{totals['first']:>9.1f}")
    print(f"{'total':<22}{'second':<8}{totals['second']:>9.1f}")
    verdict = "OK" if totals["first"] < TARGET_SECONDS else "TOO SLOW"
    print(f"First import of all reference data: {totals['first']:.1f} s (target < {TARGET_SECONDS} s): {verdict}")
    print(f"Peak memory of the largest step: {max(peaks)} MB")


if __name__ == "__main__":
    main()
