"""Counting the audience without a cookie, an identifier or a personal datum kept anywhere, within
the CNIL's exemption for audience measurement (and further: no cookie at all).

- **What a request gives**: its page type (the page's URL name), the class of its device (read
  from the user agent, then forgotten), the domain of the site it came from (another site's
  only), and whether it is the visitor's first page of the day (an entry).
- **Visits, estimated as privacy-first analytics do**: a digest of the address and the user
  agent under a salt that changes every day, derived from the deployment's secret and the date
  (never stored); the digests live in the shared cache for the day only, to tell a new visitor from
  a known one, then expire. No address, user agent or digest reaches the database's tables. A
  page view touches nothing but memory: no cache, no database, no cookie.
- **Opting out**: a ``DNT: 1`` or ``Sec-GPC: 1`` header is obeyed: that request is not counted.
- **No database write per request**: each process adds its counts in memory and writes them in
  one transaction every ``FLUSH_SECONDS``, in a thread of its own so that no visitor waits (a
  shared cache cannot list its keys, so the process that counted writes its batch, not the
  worker; ``services.audience_flush``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from orientation.statistics.models import Metric, result_range

#: how long a process keeps its counts before it writes them
FLUSH_SECONDS = 30
#: the visitors' salt and digests are forgotten after a day and a bit (a visit across midnight)
DAY_SECONDS = 26 * 3600
#: the user agents of robots, which are not an audience
ROBOTS = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|monitor|curl|wget|python-requests", re.I)
PHONE = re.compile(r"iphone|ipod|android.+mobile|windows phone|mobi", re.I)
TABLET = re.compile(r"ipad|tablet|android(?!.*mobile)|kindle|silk", re.I)
#: a search's words are kept only when it found nothing, at most this long
TERM_MAX = 100


def device_class(user_agent: str) -> str:
    if TABLET.search(user_agent):
        return "tablette"
    if PHONE.search(user_agent):
        return "téléphone"
    return "ordinateur"


def opted_out(headers: dict[str, str]) -> bool:
    return headers.get("HTTP_DNT") == "1" or headers.get("HTTP_SEC_GPC") == "1"


def is_robot(user_agent: str) -> bool:
    return not user_agent or bool(ROBOTS.search(user_agent))


def referrer_domain(referrer: str, own_host: str) -> str:
    """The domain of another site the visitor came from ("" for ours, or none)."""
    try:
        host = (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    own = own_host.split(":")[0].lower().removeprefix("www.")
    return "" if not host or host == own else host[:100]


def normalised_terms(text: str) -> str:
    return " ".join(text.lower().split())[:TERM_MAX]


@dataclass
class Buffer:
    """One process's counts since it last wrote them."""

    counts: Counter[tuple[date, str, str]] = field(default_factory=Counter)
    #: today's visitors' digests seen by this process since its last write, with their entry page
    visitors: dict[tuple[date, str], str] = field(default_factory=dict)
    written_at: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, day: date, metric: str, key: str = "", count: int = 1) -> None:
        with self.lock:
            self.counts[(day, metric, key)] += count

    def take(self) -> tuple[Counter[tuple[date, str, str]], dict[tuple[date, str], str]]:
        with self.lock:
            counts, visitors = self.counts, self.visitors
            self.counts, self.visitors = Counter(), {}
            self.written_at = time.monotonic()
        return counts, visitors


BUFFER = Buffer()


@functools.lru_cache(maxsize=2)
def _salt(day: date) -> bytes:
    """The day's salt: derived from the deployment's secret and the date, the same in every
    process without being stored anywhere, and another one tomorrow. Nothing it digested is kept
    past the day, so there is nothing for it to be matched against later."""
    return hmac.new(settings.SECRET_KEY.encode(), f"audience-salt:{day.isoformat()}".encode(), hashlib.sha256).digest()


def visitor_digest(day: date, address: str, user_agent: str) -> str:
    return hmac.new(_salt(day), f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def count_page(*, page_type: str, address: str, user_agent: str, referrer: str, own_host: str) -> None:
    """Count one page view (its digest kept in memory until the next write, then in the shared
    cache for the day only)."""
    day = timezone.localdate()
    BUFFER.add(day, Metric.PAGE_VIEWS, page_type)
    BUFFER.add(day, Metric.DEVICES, device_class(user_agent))
    domain = referrer_domain(referrer, own_host)
    if domain:
        BUFFER.add(day, Metric.REFERRERS, domain)
    digest = visitor_digest(day, address, user_agent)
    with BUFFER.lock:
        BUFFER.visitors.setdefault((day, digest), page_type)


def count_search(*, kind: str, total: int, text: str, department: str = "") -> None:
    """Count a search of the portal: its kind and the range of its number of results; the words
    of one that found nothing (shown to operators only once searched often enough); the
    department of the place searched, never the visitor's."""
    day = timezone.localdate()
    BUFFER.add(day, Metric.SEARCHES, kind)
    BUFFER.add(day, Metric.SEARCH_RESULTS, f"{kind}:{result_range(total)}")
    if total == 0:
        BUFFER.add(day, Metric.EMPTY_SEARCHES, kind)
        terms = normalised_terms(text)
        if terms:
            BUFFER.add(day, Metric.EMPTY_TERMS, terms)
    if department:
        BUFFER.add(day, Metric.SEARCHED_DEPARTMENTS, department[:3])


def new_visitors(visitors: dict[tuple[date, str], str]) -> Counter[tuple[date, str, str]]:
    """Of the digests a process saw, those no process had seen that day: a visit each, and its
    entry page. The shared cache keeps each digest until the day is over, nothing else does."""
    cache = caches["counters"]
    found: Counter[tuple[date, str, str]] = Counter()
    for (day, digest), page_type in visitors.items():
        if cache.add(f"audience:visitor:{day.isoformat()}:{digest}", 1, DAY_SECONDS):
            found[(day, Metric.VISITS, "")] += 1
            found[(day, Metric.ENTRIES, page_type)] += 1
    return found


def due() -> bool:
    return time.monotonic() - BUFFER.written_at >= FLUSH_SECONDS and bool(BUFFER.counts or BUFFER.visitors)
