from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_TITLE": settings.ORIENTATION_SITE_TITLE,
        "SITE_TAGLINE": settings.ORIENTATION_SITE_TAGLINE,
    }
