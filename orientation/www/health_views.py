"""What the load balancer asks every web host: is it ready to answer? (/sante/)

Ready means: the database answers, the shared cache answers, the search index can be read. A
host that cannot reach one of them answers 503 and is taken out of the pool until it can again;
the body names what failed. The PostgreSQL replica, when there is one, is reported (whether it
answers, and how many seconds it is behind the primary) but never makes a host unready: its
reads fall back to the primary (``utils.replica``). It reads no session and sets no cookie; it
is asked over plain HTTP inside the platform's network (``SECURE_REDIRECT_EXEMPT``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from orientation.search.query import SearchQuery
from orientation.search.selectors import search
from orientation.utils.replica import REPLICA, replica_configured


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    for alias in ("default", "counters"):
        caches[alias].set("sante:probe", 1, 10)
        if caches[alias].get("sante:probe") != 1:
            raise RuntimeError(f"cache {alias} : valeur non relue")


def _search_index() -> None:
    search(SearchQuery(text="", page_size=0, facets=()))


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache, "search_index": _search_index}


def _replica() -> dict[str, object]:
    """The replica's state for the operator: seconds behind the primary (0 when it has replayed
    everything it received), or the error."""
    started = time.perf_counter()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
            )
            (lag,) = cursor.fetchone()
        state: dict[str, object] = {"ok": True, "lag_s": None if lag is None else round(float(lag), 1)}
    except Exception as error:
        state = {"ok": False, "error": f"{type(error).__name__}: {str(error)[:200]}"}
    return state | {"required": False, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # what failed, named: the operator reads it at 3 a.m.
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {str(error)[:200]}"}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(result["ok"] for result in results.values())
    if replica_configured():
        results["replica"] = _replica()
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)
