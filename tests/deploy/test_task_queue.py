"""The task queue on PostgreSQL (django-tasks' database backend): two workers taking from one
queue, as two hosts would, run each task once and only once (SELECT … FOR UPDATE SKIP LOCKED);
and how many tasks a second they run together, printed for the README."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPOSITORY, fresh_postgres_database

TASKS = 400

ENQUEUE = f"""
import datetime
from orientation.statistics.models import AudienceCount
from bench.queue_probe import count_run
AudienceCount.objects.bulk_create(
    [AudienceCount(day=datetime.date(2026, 1, 1), metric="probe", key=str(n), count=0) for n in range({TASKS})]
)
for n in range({TASKS}):
    count_run.enqueue(str(n))
"""


def test_two_workers_run_each_task_exactly_once():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip(
            "File de tâches sur PostgreSQL : lancer avec DATABASE_URL=$(scripts/postgres.sh start) "
            "(c’est le cas en CI, au second passage de make test)"
        )
    import psycopg

    with fresh_postgres_database(url, "queue_test") as database:
        environment = os.environ | {"DATABASE_URL": database}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=REPOSITORY, env=environment, check=True)
        subprocess.run([*manage, "shell", "-c", ENQUEUE], cwd=REPOSITORY, env=environment, check=True)
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [*manage, "run_worker", "--batch", "--interval", "0.1"],
                cwd=REPOSITORY,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        errors = [worker.communicate(timeout=300)[1] for worker in workers]
        elapsed = time.monotonic() - started
        assert [worker.returncode for worker in workers] == [0, 0], errors
        with psycopg.connect(database) as connection:
            counts = [
                row[0]
                for row in connection.execute("SELECT count FROM statistics_audiencecount WHERE metric = 'probe'")
            ]
            by_worker = connection.execute(
                "SELECT worker_ids, count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE '%count_run' AND status = 'SUCCESSFUL' GROUP BY worker_ids"
            ).fetchall()
    assert len(counts) == TASKS
    assert sorted(set(counts)) == [1], "each task ran once: none missed, none twice"
    assert len(by_worker) == 2, f"both workers took tasks: {by_worker}"
    print(f"\n{TASKS} tasks by two workers in {elapsed:.1f} s ({TASKS / elapsed:.0f} tasks/s, start-up included)")
