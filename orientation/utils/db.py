"""The database when it is busy: how long a request waits for a lock, and what it answers then.

A web request must never wait for a lock as long as its worker lives (gunicorn kills a worker
after 30 s, and the person gets an empty 500): requests wait at most
``DATABASE_LOCK_TIMEOUT_SECONDS`` (5 s for the web processes, set in ``config/wsgi.py``; 30 s
for commands and the worker, set in ``manage.py``), and then answer 503 with a page that says
to try again (``orientation.www.middleware.DatabaseBusyMiddleware``). A caller with a tighter
budget (the SIP route, asked by a proxy that waits 2 s) waits less still with ``lock_wait``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, OperationalError, connection

# PostgreSQL's SQLSTATEs of a lock not had in time, a statement cancelled by its timeout, a deadlock.
_BUSY_STATES = {"55P03", "57014", "40P01"}


def is_busy(error: BaseException) -> bool:
    """Whether a database error means « busy or unavailable now, try again » rather than a bug."""
    if not isinstance(error, OperationalError):
        return False
    state = getattr(error.__cause__, "sqlstate", None) or getattr(error.__cause__, "pgcode", None)
    if state is not None:
        return state in _BUSY_STATES or state.startswith("08")  # 08…: the connection is lost
    # SQLite: « database is locked » (or « … table is locked »); « no such table » and the like
    # are bugs or a deployment not migrated, to be seen with their traceback.
    return "locked" in str(error) or "busy" in str(error)


@contextmanager
def lock_wait(seconds: float) -> Iterator[None]:
    """Wait at most ``seconds`` for a lock, and let no statement run longer, in the block; put
    around a transaction, not inside it (SQLite takes its write lock at BEGIN). The connection's
    own settings are put back afterwards (connections are reused across requests)."""
    milliseconds = max(int(seconds * 1000), 1)
    if connection.vendor == "sqlite":
        settings_sql = [("PRAGMA busy_timeout", "PRAGMA busy_timeout = {}")]
    elif connection.vendor == "postgresql":
        settings_sql = [
            ("SHOW lock_timeout", "SET lock_timeout = '{}'"),
            ("SHOW statement_timeout", "SET statement_timeout = '{}'"),
        ]
    else:  # pragma: no cover - the two engines the platform runs on
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = []
    with connection.cursor() as cursor:
        for show, assign in settings_sql:
            cursor.execute(show)
            previous.append(cursor.fetchone()[0])
            cursor.execute(assign.format(milliseconds if connection.vendor == "sqlite" else f"{milliseconds}ms"))
    try:
        yield
    finally:
        try:
            if connection.connection is raw:
                with connection.cursor() as cursor:
                    for (_show, assign), value in zip(settings_sql, previous, strict=True):
                        cursor.execute(assign.format(value))
        except DatabaseError:
            connection.close()  # the next query opens a connection with the usual settings
