from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from orientation.ingestion.models import Source

#: whether the data is the demo's changes only when data is loaded: looked up once a minute
DEMO_DATA_CACHE_SECONDS = 60


def _demo_data() -> bool:
    return bool(
        cache.get_or_set(
            "site:demo-data", lambda: Source.objects.filter(kind=Source.Kind.DEMO).exists(), DEMO_DATA_CACHE_SECONDS
        )
    )


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_TITLE": settings.ORIENTATION_SITE_TITLE,
        "SITE_TAGLINE": settings.ORIENTATION_SITE_TAGLINE,
        # Evaluated only by templates that show the banner.
        "DEMO_DATA": SimpleLazyObject(_demo_data),
    }
