"""Street maps on tiles (issue 14, part 3): with MAP_TILES_URL, Leaflet (vendored, never from a
CDN) draws the place's map from a tile server, here one on loopback; without JavaScript, or
without tiles, the server-drawn SVG is the map."""

from __future__ import annotations

import os
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config.settings import content_security_policy
from orientation.www.maps import leaflet_folder
from tests.browser.conftest import axe_violations, open_page


def _png(size: int = 256) -> bytes:
    """A plain light-grey tile, as a real tile server sends one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xdd\xdd\xdd" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def tile_server():
    tile = _png()
    asked: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        server.shutdown()


@pytest.fixture
def tiles(settings, tile_server):
    url, asked = tile_server
    settings.MAP_TILES_URL = url
    settings.CONTENT_SECURITY_POLICY = content_security_policy(url)
    if not leaflet_folder():
        if os.environ.get("CI") == "true":
            pytest.fail("Leaflet is not vendored: scripts/vendor_js.sh must run before the tests in CI")
        pytest.skip("Leaflet is not vendored (scripts/vendor_js.sh, run by make test)")
    return asked


@pytest.mark.parametrize("width", [1280, 360])
def test_the_place_map_is_drawn_on_tiles_from_the_configured_server(browser, portal, tiles, width):
    page = open_page(browser, portal, "place", viewport={"width": width, "height": 900})
    page.locator(".tiles-map[data-drawn=true]").wait_for()
    page.locator(".tiles-map img.leaflet-tile-loaded").first.wait_for()
    assert tiles, "the tiles came from the configured server"
    assert all(path.endswith(".png") for path in tiles)
    assert page.locator(".tiles-map .tiles-map-pin").count() == 1
    assert not page.locator("svg.situation-map").is_visible()  # the street map takes its place
    scripts = page.evaluate("[...document.scripts].map(script => script.src).filter(Boolean)")
    assert any("/static/vendor/leaflet-" in src for src in scripts)
    assert all(src.startswith(portal.base) for src in scripts), scripts  # nothing from a CDN
    assert axe_violations(page) == []
    page.context.close()


def test_results_near_a_town_are_numbered_on_the_street_map(browser, portal, tiles):
    page = open_page(browser, portal, "search-places-near", viewport={"width": 1280, "height": 900})
    page.locator(".tiles-map[data-drawn=true]").wait_for()
    numbers = page.locator(".tiles-map .tiles-map-marker").all_inner_texts()
    assert numbers
    assert sorted(int(n) for n in numbers) == list(range(1, len(numbers) + 1))
    assert axe_violations(page) == []
    page.context.close()


def test_without_javascript_the_svg_is_the_map(browser, portal, tiles):
    page = open_page(browser, portal, "place", java_script_enabled=False, viewport={"width": 360, "height": 740})
    assert page.locator("svg.situation-map").is_visible()
    assert not page.locator(".tiles-map").is_visible()
    page.context.close()
