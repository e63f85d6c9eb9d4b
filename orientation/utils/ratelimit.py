"""Counting tries in fixed windows in the cache that every web host shares: how many sign-in
links for one address, from one network, within the hour. The same counters on every host once
the cache is shared (Redis, ``REDIS_URL``).

When the cache does not answer, each limit says which way it fails: closed for what protects an
account or a mailbox (no sign-in link is sent: ``Unavailable``), open for what only protects our
own capacity."""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """The counters cannot be read, and this limit fails closed."""


def allow(name: str, key: str, *, limit: int, window_seconds: int, fail_open: bool = False) -> bool:
    """Count one try of ``key`` under ``name``; False once ``limit`` tries were counted in the
    current window. The key is stored only as a digest."""
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{name}:{window}:{digest}"
    try:
        if cache.add(cache_key, 1, timeout=window_seconds + 5):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add and incr: a new window
                cache.set(cache_key, 1, timeout=window_seconds + 5)
                count = 1
    except Exception as error:  # the cache does not answer
        logger.warning("Limite %s sans compteur (cache injoignable) : %s", name, "ouverte" if fail_open else "fermée")
        if fail_open:
            return True
        raise Unavailable(name) from error
    return count <= limit
