"""Whether this platform runs as a demo: its data is the demo's, and demo sign-in is allowed."""

from __future__ import annotations

from django.conf import settings

from orientation.ingestion.models import Source
from orientation.utils.cache import cached

#: whether the data is the demo's changes only when data is loaded: looked up once a minute
DEMO_DATA_CACHE_SECONDS = 60


def demo_data_loaded() -> bool:
    return bool(
        cached("site:demo-data", lambda: Source.objects.filter(kind=Source.Kind.DEMO).exists(), DEMO_DATA_CACHE_SECONDS)
    )


def demo_mode() -> bool:
    """Demo pages and one-click sign-in: only on a database holding the demo data, and never
    where the deployment turned them off (DEMO_SIGN_IN=0)."""
    return settings.DEMO_SIGN_IN and demo_data_loaded()
