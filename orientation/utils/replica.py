"""Reads of the public pages and the public API from the PostgreSQL replica, everything else
from the primary (``DATABASE_REPLICA_URL``; ``config/settings.py`` adds the router only then).

- **Which requests**: ``GET`` and ``HEAD`` of a visitor (no session cookie, no ``Authorization``
  header) outside the private paths (back office, the person's space, the referrals' and the
  label files' API, ``/sante/``). Whatever writes, and whatever a signed-in person or adviser
  reads, goes to the primary, so nobody reads a page older than what they just did
  (``www.middleware.ReplicaReadsMiddleware`` decides, per request).
- **The replica down**: a request that fails on it is marked, answered from the primary at once
  (its view runs again there: a ``GET`` is safe to replay), and the replica is left alone for
  ``REPLICA_RETRY_SECONDS`` before it is tried again. No visitor sees an error.
- **Lag**: a public page may be a second or two behind the primary, as a page in a proxy's cache
  would be; nothing is written from what it shows.
"""

from __future__ import annotations

import logging
import threading
import time
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 10.0

#: set by the middleware for the requests whose reads may come from the replica
reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)

_state = threading.Lock()
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_usable() -> bool:
    return replica_configured() and time.monotonic() >= _down_until


def replica_failed(error: BaseException) -> None:
    """The replica did not answer: leave it alone a while, and drop the broken connection."""
    global _down_until
    with _state:
        first = time.monotonic() >= _down_until
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
    if first:
        logger.warning(
            "Réplique injoignable (%s) : lectures sur la base principale pendant %.0f s", error, REPLICA_RETRY_SECONDS
        )
    try:
        connections[REPLICA].close()
    except Exception:  # a connection already gone cannot be closed twice
        logger.debug("connexion à la réplique déjà fermée", exc_info=True)


class ReplicaRouter:
    """Django's database router: reads on the replica when the request allows it, writes and
    migrations on the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if reading_from_replica.get() and replica_usable():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
