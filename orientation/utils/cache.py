"""The cache that every web host shares (Redis in production), read so that its loss is never an
error page: what it holds is computed again from the database, and a rate limit says whether it
fails open (a search) or closed (a sign-in link)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")


def cached(key: str, compute: Callable[[], T], timeout: float) -> T:
    """The value under ``key``, computed and kept when missing; computed each time while the
    cache does not answer (the database then carries the load: degraded, never broken)."""
    try:
        return cast(T, cache.get_or_set(key, compute, timeout))
    except Exception:  # django-redis raises its own ConnectionInterrupted, the client its errors
        logger.warning("Cache injoignable : %s calculé sans lui", key.split(":")[0])
        return compute()


def forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache injoignable : %s non effacé", key.split(":")[0])
