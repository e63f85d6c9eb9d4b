from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from orientation.demo.selectors import demo_data_loaded, demo_mode
from orientation.www.maps import leaflet_folder


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_TITLE": settings.ORIENTATION_SITE_TITLE,
        "SITE_TAGLINE": settings.ORIENTATION_SITE_TAGLINE,
        # Evaluated only by templates that show the banner.
        "DEMO_DATA": SimpleLazyObject(demo_data_loaded),
        "DEMO_MODE": SimpleLazyObject(demo_mode),
        # The vendored Leaflet's folder when maps are drawn on tiles (MAP_TILES_URL), else "".
        "LEAFLET": leaflet_folder(),
    }
