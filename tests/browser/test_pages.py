"""Every page type in real Chromium: WCAG 2.1 AA by axe-core, at 360 px, and without JavaScript."""

from __future__ import annotations

import struct

import pytest

from tests.browser.conftest import SCREENSHOTS, Portal, axe_violations, open_page

# the test database set up (pytest-django sets it up only for tests that ask), each test in a
# transaction of its own on top of the module's portal
pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(read_only_portal: Portal) -> Portal:
    """These tests only look at pages: the portal is loaded once for the module."""
    return read_only_portal


@pytest.fixture
def search_index_folder() -> None:
    """The portal's index, for the whole module (instead of an empty folder per test)."""


@pytest.fixture
def media_folder() -> None:
    """The portal's files, for the whole module."""


PAGE_TYPES = [
    "home",
    "occupation-list",
    "occupation",
    "occupation-near",
    "search-occupations",
    "search-trainings-near",
    "search-places-near",
    "search-nothing",
    "training",
    "study",
    "search-studies",
    "statistics",
    "statistics-measurement",
    "backoffice-empty-searches",
    "place",
    "not-found",
    "backoffice-feeds",
    "backoffice-feed",
    "label-registry",
    "label-page",
    "label-statistics",
    "backoffice-labels",
    "backoffice-label",
    "backoffice-label-version",
    "backoffice-label-sites",
    "backoffice-label-commitments",
    "backoffice-label-territory",
    "backoffice-label-check",
    "backoffice-label-dashboard",
    "offers",
    "interests",
    "interests-questions",
    "interests-result",
    "offer",
    "backoffice-offers",
    "backoffice-offer",
    "backoffice-referrals",
    "callback-form",
    "backoffice-phone",
    "backoffice-phone-statistics",
    "backoffice-interview",
    "demo",
]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_has_no_accessibility_violation(browser, portal, name):
    page = open_page(browser, portal, name, viewport={"width": 1280, "height": 900})
    assert axe_violations(page) == []
    page.context.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_is_usable_at_360_pixels(browser, portal, name):
    page = open_page(browser, portal, name, viewport={"width": 360, "height": 740})
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow} px at 360 px"
    heading = page.locator("h1").first.bounding_box()
    assert heading is not None
    assert heading["x"] >= 0
    assert heading["x"] + heading["width"] <= 360
    # The main menu is the DSFR burger: hidden behind its button, which opens it.
    menu = page.locator("#navigation a", has_text="Métiers")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menu").click()
    menu.wait_for(state="visible")
    page.get_by_role("button", name="Fermer").first.click()
    menu.wait_for(state="hidden")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, _height = struct.unpack(">II", png[16:24])
    assert width == 360
    page.context.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_works_without_javascript(browser, portal, name):
    page = open_page(browser, portal, name, java_script_enabled=False, viewport={"width": 360, "height": 740})
    assert page.locator("h1").first.is_visible()
    # Without JavaScript the menu cannot open as a dialog: its links are shown instead.
    assert page.locator("#navigation a", has_text="Métiers").is_visible()
    page.context.close()


def test_search_from_the_home_page_without_javascript(browser, portal):
    page = open_page(browser, portal, "home", java_script_enabled=False)
    page.get_by_label("Quoi ?").first.fill("infirmière")
    page.get_by_label("Où ?").first.fill("Blois")
    page.get_by_role("button", name="Rechercher").first.click()
    page.wait_for_load_state()
    assert "/recherche/" in page.url
    assert page.locator("a[href='/metiers/J1506/']").count() >= 1
    page.get_by_role("link", name="Formations").first.click()
    page.wait_for_load_state()
    assert "type=formations" in page.url
    assert page.locator("a[href^='/formations/']").count() >= 1
    page.context.close()


def test_communes_are_suggested_while_typing(browser, portal):
    page = open_page(browser, portal, "home")
    page.get_by_label("Où ?").first.press_sequentially("Blo", delay=50)
    options = page.locator("#communes-suggestions option")
    options.first.wait_for(state="attached", timeout=5000)
    assert options.first.get_attribute("value") == "41000 Blois"
    assert options.first.get_attribute("label") == "Blois (41)"
    page.context.close()


def test_near_me_uses_the_browsers_position(browser, portal):
    page = open_page(
        browser,
        portal,
        "home",
        geolocation={"latitude": 47.59, "longitude": 1.33},
        permissions=["geolocation"],
    )
    button = page.get_by_role("button", name="Près de moi")
    assert button.is_visible(), "shown when the browser can give a position"
    with page.expect_navigation():
        button.click()
    assert "lat=47.59" in page.url
    assert "à moins de 30 km de votre position" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    page.context.close()


def test_near_me_is_hidden_without_javascript(browser, portal):
    page = open_page(browser, portal, "home", java_script_enabled=False)
    assert not page.get_by_role("button", name="Près de moi").is_visible()
    page.context.close()
