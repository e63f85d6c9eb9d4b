"""Maps drawn on the server as SVG: where a place is, where the results lie around a town.

No tiles and no script: the map shows without JavaScript and sends nobody's position to a
third party. The communes around, from the territories, give the bearings: a dot each, the
largest named. A link to OpenStreetMap gives the street map and the way there.

Where the deployment names a tile server (MAP_TILES_URL), each map also carries what Leaflet
needs to draw a street map over it (``tiles_layer``; static/www/map.js draws it and hides the
SVG): the same centre, radius and markers, so both maps say the same thing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from orientation.territories.geo import bounding_box
from orientation.territories.models import Commune
from orientation.utils.cache import cached

WIDTH, HEIGHT = 640, 400
KM_PER_DEGREE = 111.195
#: the communes named on a map, the most populated first
NAMED_TOWNS = 6
#: communes drawn at most, the most populated first: enough for bearings, light on a phone
MAX_DOTS = 300
BACKGROUND_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Marker:
    latitude: float
    longitude: float
    #: what the marker is, for the map's description
    label: str
    #: the rank shown in the marker (the results' numbers); None: a single pin
    number: int | None = None


def _communes_around(latitude: float, longitude: float, radius_km: float) -> list[tuple[float, float, str, int]]:
    """(latitude, longitude, name, population) of the communes in the box, most populated first."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    rows = Commune.objects.filter(
        kind=Commune.Kind.COMMUNE, latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
    ).values_list("latitude", "longitude", "name", "population")
    found = [
        (lat, lon, name, population or 0) for lat, lon, name, population in rows if lat is not None and lon is not None
    ]
    return sorted(found, key=lambda row: -row[3])


class _Frame:
    """The projection of a map: a point, and the kilometres one pixel stands for."""

    def __init__(self, latitude: float, longitude: float, radius_km: float):
        self.latitude, self.longitude, self.radius_km = latitude, longitude, radius_km
        self.scale = min(WIDTH, HEIGHT) / (2 * radius_km * 1.15)
        self.cos_lat = math.cos(math.radians(latitude))

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x = WIDTH / 2 + (lon - self.longitude) * KM_PER_DEGREE * self.cos_lat * self.scale
        y = HEIGHT / 2 - (lat - self.latitude) * KM_PER_DEGREE * self.scale
        return round(x, 1), round(y, 1)

    @staticmethod
    def shows(x: float, y: float) -> bool:
        return 0 <= x <= WIDTH and 0 <= y <= HEIGHT


def _background(frame: _Frame) -> str:
    """The communes of the frame as dots (the most populated, at most MAX_DOTS), the largest
    named; drawn once per place and scale, then cached."""
    key = (
        "maps:background:"
        + hashlib.sha256(f"{frame.latitude:.4f}:{frame.longitude:.4f}:{frame.radius_km:.2f}".encode()).hexdigest()
    )
    return str(cached(key, lambda: _draw_background(frame), BACKGROUND_CACHE_SECONDS))


def _draw_background(frame: _Frame) -> str:
    reach = frame.radius_km * 1.15 * max(WIDTH, HEIGHT) / min(WIDTH, HEIGHT)
    shown = []
    for lat, lon, name, _population in _communes_around(frame.latitude, frame.longitude, reach):
        x, y = frame.project(lat, lon)
        if frame.shows(x, y):
            shown.append((x, y, name))
        if len(shown) >= MAX_DOTS:
            break
    parts = [f'<circle cx="{x}" cy="{y}" r="1.6" class="map-commune"/>' for x, y, _name in shown]
    parts += [
        f'<text x="{x + 4}" y="{y - 4}" class="map-town">{escape(name)}</text>' for x, y, name in shown[:NAMED_TOWNS]
    ]
    return "".join(parts)


def leaflet_folder() -> str:
    """The vendored Leaflet's static folder when tiles are configured and it is there, else "".
    Asked by every page (the context processor): the disk is looked at once per setting."""
    if not settings.MAP_TILES_URL:
        return ""
    return _vendored_leaflet(settings.LEAFLET_VERSION, tuple(str(root) for root in settings.STATICFILES_DIRS))


@functools.cache
def _vendored_leaflet(version: str, roots: tuple[str, ...]) -> str:
    folder = f"vendor/leaflet-{version}"
    return folder if any((Path(root) / folder / "leaflet.js").is_file() for root in roots) else ""


def tiles_layer(
    latitude: float, longitude: float, radius_km: float, markers: Sequence[Marker], *, title: str, circle: bool
) -> str:
    """The street map's description for map.js, hidden until the script draws it; "" without tiles."""
    if not leaflet_folder():
        return ""
    data = {
        "centre": [latitude, longitude],
        "radius_km": radius_km,
        "circle": circle,
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "markers": [
            {"lat": marker.latitude, "lon": marker.longitude, "label": marker.label, "number": marker.number}
            for marker in markers
        ],
    }
    return format_html(
        '<div class="tiles-map" data-map="{}" role="region" aria-label="{}" hidden></div>', json.dumps(data), title
    )


def situation_map(
    latitude: float,
    longitude: float,
    radius_km: float,
    markers: Sequence[Marker],
    *,
    title: str,
    circle: bool = False,
    ident: str = "carte",
) -> SafeString:
    """An SVG map centred on the point, ``radius_km`` to the nearest edge, with its markers.

    ``circle`` draws the search radius. The SVG is an image for assistive technologies,
    with a title and a description listing the markers (the page lists them too).
    """
    frame = _Frame(latitude, longitude, radius_km)
    parts = [
        f'<svg class="situation-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        format_html('<title id="{}-titre">{}</title>', ident, title),
        format_html(
            '<desc id="{}-desc">{}</desc>',
            ident,
            " ; ".join(
                f"{marker.number}. {marker.label}" if marker.number is not None else marker.label for marker in markers
            ),
        ),
        f'<rect width="{WIDTH}" height="{HEIGHT}" class="map-land"/>',
        _background(frame),
    ]
    if circle:
        parts.append(
            f'<circle cx="{WIDTH / 2}" cy="{HEIGHT / 2}" r="{round(radius_km * frame.scale, 1)}" class="map-radius"/>'
            f'<circle cx="{WIDTH / 2}" cy="{HEIGHT / 2}" r="4" class="map-centre"/>'
        )
    # The first results on top: drawn last.
    for marker in reversed(markers):
        x, y = frame.project(marker.latitude, marker.longitude)
        if marker.number is None:
            parts.append(
                f'<path d="M{x} {y} l-9 -16 a10 10 0 1 1 18 0 z" class="map-pin"/>'
                f'<circle cx="{x}" cy="{y - 19}" r="3.5" class="map-pin-dot"/>'
            )
        else:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="10" class="map-marker"/>'
                f'<text x="{x}" y="{y + 4}" class="map-number">{marker.number}</text>'
            )
    parts.append("</svg>")
    tiles = tiles_layer(latitude, longitude, radius_km, markers, title=title, circle=circle)
    # Every text above is escaped (format_html, escape); numbers are ours.
    return mark_safe(str(tiles) + "".join(str(part) for part in parts))


def openstreetmap_links(latitude: float, longitude: float) -> dict[str, str]:
    """The street map around the point, and the way there, on openstreetmap.org."""
    return {
        "map": f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=16/{latitude:.5f}/{longitude:.5f}",
        "directions": f"https://www.openstreetmap.org/directions?to={latitude:.5f}%2C{longitude:.5f}",
    }


@dataclass(frozen=True)
class Area:
    """A bassin de vie on a coverage map: where its communes lie and how much is covered."""

    name: str
    #: (latitude, longitude, covered) of each of its communes
    points: Sequence[tuple[float, float, bool]]
    share: float
    #: drawn in the highlight colour (the territory an application chose)
    highlighted: bool = False
    #: inhabitants: the most populated areas are named on the map
    population: int = 0


def _share_class(share: float) -> str:
    if share >= 0.999:
        return "map-cover-full"
    if share > 0:
        return "map-cover-part"
    return "map-cover-none"


def coverage_map(areas: Sequence[Area], *, title: str, ident: str = "couverture") -> SafeString:
    """The communes of a region as dots, coloured by the coverage of their bassin de vie
    (fully, partly or not covered), highlighted areas drawn darker.

    No polygons are published with the zonings: a bassin de vie is drawn as its communes.
    The page gives the same figures as a table, for screen readers and without images.
    """
    points = [(lat, lon) for area in areas for lat, lon, _covered in area.points]
    if not points:
        return mark_safe("")
    min_lat, max_lat = min(p[0] for p in points), max(p[0] for p in points)
    min_lon, max_lon = min(p[1] for p in points), max(p[1] for p in points)
    centre_lat, centre_lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    cos_lat = math.cos(math.radians(centre_lat))
    half_height_km = (max_lat - min_lat) * KM_PER_DEGREE / 2
    half_width_km = (max_lon - min_lon) * KM_PER_DEGREE * cos_lat / 2
    radius = max(half_height_km, half_width_km * HEIGHT / WIDTH, 5.0)
    frame = _Frame(centre_lat, centre_lon, radius)
    full = sum(1 for area in areas if area.share >= 0.999)
    part = sum(1 for area in areas if 0 < area.share < 0.999)
    parts = [
        f'<svg class="situation-map coverage-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        format_html('<title id="{}-titre">{}</title>', ident, title),
        format_html(
            '<desc id="{}-desc">{} bassins de vie : {} entièrement couverts, {} en partie, {} non couverts.</desc>',
            ident,
            len(areas),
            full,
            part,
            len(areas) - full - part,
        ),
        f'<rect width="{WIDTH}" height="{HEIGHT}" class="map-land"/>',
    ]
    # Dots as large as the communes' spacing allows: a region of 1,700 communes, or nine.
    radius = round(min(9.0, max(2.0, 120 / math.sqrt(len(points)))), 1)
    for area in areas:
        css = _share_class(area.share) + (" map-cover-highlight" if area.highlighted else "")
        dots = "".join(
            f'<circle cx="{x}" cy="{y}" r="{radius}"/>'
            for x, y in (frame.project(lat, lon) for lat, lon, _ in area.points)
        )
        parts.append(format_html('<g class="{}"><title>{}</title>', css, area.name) + dots + "</g>")
    named = sorted((area for area in areas if area.points), key=lambda area: (not area.highlighted, -area.population))
    for area in named[:NAMED_TOWNS]:
        lat = sum(point[0] for point in area.points) / len(area.points)
        lon = sum(point[1] for point in area.points) / len(area.points)
        x, y = frame.project(lat, lon)
        parts.append(
            format_html('<text x="{}" y="{}" class="map-town">{}</text>', x + radius + 2, y - radius, area.name)
        )
    parts.append("</svg>")
    # Names go through format_html; the rest are our numbers.
    return mark_safe("".join(str(part) for part in parts))
