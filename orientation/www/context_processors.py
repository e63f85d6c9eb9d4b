from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from orientation.ingestion.models import Source


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_TITLE": settings.ORIENTATION_SITE_TITLE,
        "SITE_TAGLINE": settings.ORIENTATION_SITE_TAGLINE,
        # Evaluated only by templates that show the banner.
        "DEMO_DATA": SimpleLazyObject(lambda: Source.objects.filter(kind=Source.Kind.DEMO).exists()),
    }
