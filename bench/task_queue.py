"""The task queue on PostgreSQL (django-tasks' database backend, the platform's) against Redis
(django-tasks' RQ backend), measured the same way (make bench-task-queue).

    python -m bench.task_queue --database postgres://… --redis redis://… [--tasks 2000]

For each backend, on a fresh database: TASKS tasks enqueued (timed), then two workers, as two
hosts would run them, until the queue is empty (timed, start-up included); every task must have
run exactly once. Then the delay from a task's enqueueing to its start, with the two workers
idle and waiting, over 50 tasks enqueued one at a time: the database's workers read the queue
every second (the worker unit's default), RQ's wait on Redis.

The worker of each backend is its own: ``manage.py run_worker`` (the platform's, the database
queue) and django-rq's ``rqworker``, with a forked process per task (RQ's default) and without
(SimpleWorker).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.figures import percentiles

ROOT = Path(__file__).resolve().parent.parent
DELAYS = 50

PREPARE = """
import datetime
from orientation.statistics.models import AudienceCount
AudienceCount.objects.bulk_create(
    [AudienceCount(day=datetime.date(2026, 1, 1), metric=metric, key=str(n), count=0)
     for metric, total in (("probe", {tasks}), ("probe-delay", {delays})) for n in range(total)]
)
"""

ENQUEUE = """
import time
from bench.queue_probe import count_run
started = time.monotonic()
for n in range({tasks}):
    count_run.enqueue(str(n))
print(time.monotonic() - started)
"""

ENQUEUE_ONE_AT_A_TIME = """
import random, time
from bench.queue_probe import note_delay
for n in range({delays}):
    time.sleep(random.uniform(0.1, 0.4))
    note_delay.enqueue(str(n), int(time.time() * 1000))
"""

COUNTS = """
from orientation.statistics.models import AudienceCount
for metric in ("probe", "probe-delay"):
    counts = AudienceCount.objects.filter(metric=metric).order_by("id").values_list("count", flat=True)
    print(" ".join(map(str, counts)))
"""

BACKENDS = {
    "PostgreSQL (django-tasks-db)": (
        "django_tasks_db.DatabaseBackend",
        ["manage.py", "run_worker", "--batch", "--interval", "0.1"],
        ["manage.py", "run_worker"],
    ),
    "Redis (django-tasks-rq)": (
        "django_tasks_rq.RQBackend",
        ["manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"],
        ["manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
    ),
    "Redis (django-tasks-rq), without a fork per task (rq's SimpleWorker)": (
        "django_tasks_rq.RQBackend",
        [
            "manage.py",
            "rqworker",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "default",
        ],
        [
            "manage.py",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "default",
        ],
    ),
}


def shell(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py shell failed:\n{result.stderr[-3000:]}")
    return result.stdout


def workers(env: dict[str, str], command: list[str]) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]


def measure(label: str, backend: str, burst: list[str], serve: list[str], server: str, redis: str, tasks: int) -> bool:
    import psycopg
    import redis as redis_client

    name = f"queue_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    redis_client.Redis.from_url(redis).flushdb()
    env = os.environ | {"DATABASE_URL": f"{server}/{name}", "REDIS_URL": redis, "TASKS_BACKEND": backend}
    try:
        print(f"\n{label}", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        shell(env, PREPARE.format(tasks=tasks, delays=DELAYS))
        enqueued = float(shell(env, ENQUEUE.format(tasks=tasks)).split()[-1])
        print(f"  {tasks:,} tasks enqueued in {enqueued:.1f} s: {tasks / enqueued:,.0f} a second", flush=True)
        started = time.monotonic()
        running = workers(env, burst)
        errors = [worker.communicate(timeout=900)[1] for worker in running]
        elapsed = time.monotonic() - started
        if any(worker.returncode for worker in running):
            print(f"  FAILED: a worker stopped in error:\n{errors}")
            return False
        print(f"  run by two workers in {elapsed:.1f} s: {tasks / elapsed:,.0f} a second (start-up included)")
        waiting = workers(env, serve)
        time.sleep(8)  # both workers up and waiting
        shell(env, ENQUEUE_ONE_AT_A_TIME.format(delays=DELAYS))
        time.sleep(3)
        for worker in waiting:
            worker.send_signal(signal.SIGTERM)
        for worker in waiting:
            try:
                worker.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        runs, delays = (list(map(int, line.split())) for line in shell(env, COUNTS).splitlines())
        once = sorted(set(runs)) == [1]
        print(f"  each task run exactly once: {'yes' if once else f'NO ({sorted(set(runs))})'}")
        p50, p95, p99 = percentiles([float(delay) for delay in delays])
        print(f"  from enqueueing to start, workers waiting: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
        return once
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="the PostgreSQL server (scripts/postgres.sh start)")
    parser.add_argument("--redis", required=True, help="Redis (scripts/redis.sh start)")
    parser.add_argument("--tasks", type=int, default=2000)
    options = parser.parse_args()
    server = options.database.rsplit("/", 1)[0]
    verdicts = [
        measure(label, backend, burst, serve, server, options.redis, options.tasks)
        for label, (backend, burst, serve) in BACKENDS.items()
    ]
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
