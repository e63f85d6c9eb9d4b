"""Counting tries in fixed windows in the cache that every web process shares (the same
counters on every host once the cache is shared): how many sign-in links for one address, from
one network, within the hour."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def allow(name: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one try of ``key`` under ``name``; False once ``limit`` tries were counted in the
    current window. The key is stored only as a digest."""
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{name}:{window}:{digest}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(cache_key, 1, timeout=window_seconds + 5)
            count = 1
    return count <= limit
