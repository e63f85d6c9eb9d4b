"""Writes of the statistics: a process's audience counts added to the day's rows, in one
transaction (``INSERT … ON CONFLICT … DO UPDATE``: two processes writing the same row add up)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import date

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, connections, transaction
from django.utils import timezone

from orientation.statistics import audience
from orientation.statistics.models import AudienceCount

logger = logging.getLogger(__name__)


@transaction.atomic
def audience_write(counts: Counter[tuple[date, str, str]]) -> int:
    """Add the counts to their rows; returns how many rows were touched."""
    rows = [(day.isoformat(), metric, key, count) for (day, metric, key), count in counts.items() if count]
    if not rows:
        return 0
    table = connection.ops.quote_name(AudienceCount._meta.db_table)
    statement = (
        f"INSERT INTO {table} (day, metric, key, count) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (day, metric, key) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)
    return len(rows)


def audience_flush() -> int:
    """Write what this process counted (the visits it saw first among all processes included).
    A database or cache that fails loses these few seconds of counts, never the request."""
    counts, visitors = audience.BUFFER.take()
    try:
        counts.update(audience.new_visitors(visitors))
        return audience_write(counts)
    except Exception:  # an audience figure is never worth an error page
        logger.warning("Comptes d’audience non écrits (%d lignes perdues)", len(counts), exc_info=True)
        return 0


_flushing = threading.Lock()


def audience_flush_in_background() -> None:
    """Write the counts in a thread of their own, so that no visitor waits for them: one write at
    a time per process; the thread's database connection is closed when it is done."""
    if not _flushing.acquire(blocking=False):
        return

    def flush() -> None:
        try:
            audience_flush()
        finally:
            connections.close_all()
            _flushing.release()

    threading.Thread(target=flush, name="audience-flush", daemon=True).start()


def statistics_daily_purge() -> int:
    """Forget the days gone: the salts and visitors' digests whose day is over leave the shared
    cache (a database cache keeps expired rows until it needs room). Returns the rows removed."""
    cache = caches["counters"]
    if not isinstance(cache, DatabaseCache):
        return 0  # Redis forgets on its own, when a key expires
    table = connection.ops.quote_name(str(settings.CACHES["counters"]["LOCATION"]))
    with transaction.atomic(), connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
        return cursor.rowcount
