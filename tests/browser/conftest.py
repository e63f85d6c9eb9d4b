"""Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright,
with axe-core (fetched by scripts/browser.sh into var/browser/).

Outside CI, a missing browser or axe-core skips these tests, saying why; in CI it is an
error. Playwright's sync API keeps an event loop in this thread: Django's guard against
database calls from async code must be lifted for the test run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

from orientation.accounts.models import Membership, RegionalRole
from orientation.contact import services as contact_services
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import services
from orientation.labels.models import Application, Label
from orientation.search.services import search_index_rebuild
from orientation.statistics.models import RESULT_RANGES, AudienceCount, Metric
from orientation.territories.models import Region
from orientation.trainings.models import Action
from tests.conftest import REPOSITORY, login_verified, require_migrated_state, restore_migrated_state, run_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPOSITORY / "var" / "browser" / "axe-4.14.1.min.js"
SCREENSHOTS = REPOSITORY / "var" / "browser" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: the rules of WCAG 2.1, levels A and AA
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must run the browser tests: .ci/run calls scripts/browser.sh)")
    pytest.skip(f"{message}: run scripts/browser.sh to install it")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    if not AXE.is_file():
        _unavailable(f"axe-core is missing ({AXE.relative_to(REPOSITORY)})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


#: a whole questionnaire answered by someone drawn to social activities (interests pages)
SOCIAL_ANSWERS = "".join("4" if item.startswith("s") else "1" for item in ["r", "i", "a", "s", "e", "c"] * 9)


@dataclass
class Portal:
    base: str
    #: page type → path, one of each kind of page people see
    pages: dict[str, str]
    #: the session cookie of a member of the operations team, for the back-office pages
    staff_cookie: dict[str, str]


@pytest.fixture
def portal(live_server: Any) -> Portal:
    """The demo's portal, for a test that writes (a journey, a form): loaded again for each test,
    which runs in a database emptied after it."""
    return build_portal(live_server.url)


@pytest.fixture(scope="module")
def read_only_portal(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Portal]:
    """The demo's portal loaded once for a module whose tests only read it (pages looked at):
    committed, served by a live server of the module's own, and the database put back as the
    migrations left it afterwards. Its index and files are in folders of the module's own: the
    test module must override the per-test ``search_index_folder`` and ``media_folder``
    (tests/browser/test_pages.py)."""
    from pytest_django.live_server_helper import LiveServer

    folder = tmp_path_factory.mktemp("portal")
    folders = override_settings(
        SEARCH_INDEX_DIR=folder / "search",
        MEDIA_ROOT=folder / "media",
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}},
        },
    )
    require_migrated_state()
    with django_db_blocker.unblock(), folders:
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield build_portal(server.url)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            restore_migrated_state()


def build_portal(base: str) -> Portal:
    run_command("load_demo_data")
    search_index_rebuild()
    action = Action.objects.open().filter(commune__name="Blois").order_by("id").first()
    assert action is not None
    place = Place.objects.canonical().filter(commune__name="Blois").order_by("id").first()
    assert place is not None
    staff = get_user_model().objects.create_superuser(
        "exploitation", "exploitation@example.org", "x", is_national_admin=True
    )
    # The demo's label files: the Angers file awaits the CCREFP of Pays de la Loire, whose
    # forms the staff member sees; a draft of the CIO of Vendôme, which it administers.
    angers = Application.objects.filter(organisation__places__city="Angers").distinct().get()
    RegionalRole.objects.create(user=staff, region=angers.region, role=RegionalRole.Role.CCREFP)
    vendome = Organisation.objects.filter(places__city="Vendôme").order_by("name").first()
    assert vendome is not None
    Membership.objects.create(user=staff, organisation=vendome, role=Membership.Role.ADMIN)
    draft = services.application_create(by_user=staff, organisation=vendome, region=Region.objects.get(code="24"))
    label = Label.objects.filter(state=Label.State.ACTIVE).order_by("pk").first()
    referrable = ServiceOffer.objects.referrable().order_by("pk").first()
    vendome_offer = ServiceOffer.objects.filter(organisation=vendome).order_by("pk").first()
    assert referrable is not None
    assert vendome_offer is not None
    assert label is not None
    # Calls on the demo's phone platform, for the adviser's console.
    contact_services.forget_routing_state()
    contact_services.call_route(
        profile="jeune-16-25", need="formation-financement", department="41", caller="+33254000001"
    )
    contact_services.call_route(profile="parent", need="autre", caller="+33254000002", wants_callback=True)
    # A month of audience, for the statistics page's tables (the widest: searches by number of results).
    today = timezone.localdate()
    for metric, key, count in (
        (Metric.VISITS, "", 123456),
        (Metric.PAGE_VIEWS, "www:search", 654321),
        (Metric.SEARCHES, "training", 98765),
        (Metric.EMPTY_SEARCHES, "training", 4321),
        *((Metric.SEARCH_RESULTS, f"training:{bound}", 12345) for bound in RESULT_RANGES),
    ):
        AudienceCount.objects.create(day=today, metric=metric, key=key, count=count)
    client = login_verified(Client(), staff)
    cookie = client.cookies["sessionid"]
    return Portal(
        base=base,
        pages={
            "home": "/",
            "demo": "/demo/",
            "occupation-list": "/metiers/",
            "occupation": "/metiers/J1506/",
            "occupation-near": "/metiers/J1506/?ou=Blois",
            "search-occupations": "/recherche/?q=infirmi%C3%A8re",
            "search-trainings-near": "/recherche/?q=infirmier&ou=Blois&type=formations",
            "search-places-near": "/recherche/?ou=Blois&type=lieux",
            "search-nothing": "/recherche/?q=zzzzqqq",
            "training": f"/formations/{action.pk}/",
            "study": "/etudes/FOR.2378/?ou=Blois",
            "search-studies": "/recherche/?q=bts&type=etudes",
            "place": f"/lieux/{place.pk}/",
            "not-found": "/metiers/Z9999/",
            "backoffice-feeds": "/gestion/flux/",
            "backoffice-feed": "/gestion/flux/demo/",
            "label-registry": "/label/",
            "label-page": f"/label/{label.pk}/",
            "label-statistics": "/label/chiffres/?region=24",
            "backoffice-labels": "/gestion/labels/",
            "backoffice-label": f"/gestion/labels/{angers.pk}/",
            "backoffice-label-version": f"/gestion/labels/{angers.pk}/version/1/",
            "backoffice-label-sites": f"/gestion/labels/{draft.pk}/dossier/sites/",
            "backoffice-label-commitments": f"/gestion/labels/{draft.pk}/dossier/engagements/",
            "backoffice-label-territory": f"/gestion/labels/{draft.pk}/dossier/territoire/",
            "backoffice-label-check": f"/gestion/labels/{draft.pk}/dossier/verification/",
            "backoffice-label-dashboard": "/gestion/labels/tableau-de-bord/?region=24",
            "offers": "/services/?ou=Blois",
            "interests": "/interets/",
            "interests-questions": f"/interets/questions/?ecran=2&r={SOCIAL_ANSWERS[:6]}",
            "interests-result": f"/interets/resultat/?r={SOCIAL_ANSWERS}",
            "offer": f"/services/{referrable.pk}/",
            "backoffice-offers": "/gestion/services/",
            "backoffice-offer": f"/gestion/services/{vendome_offer.pk}/",
            "backoffice-referrals": "/gestion/orientations/",
            "callback-form": "/etre-rappele/",
            "statistics": "/statistiques/",
            "statistics-measurement": "/statistiques/mesure-d-audience/",
            "backoffice-empty-searches": "/gestion/recherches-sans-resultat/",
            "backoffice-phone": "/gestion/telephone/",
            "backoffice-phone-statistics": "/gestion/telephone/statistiques/",
            "backoffice-interview": "/gestion/accueil/",
        },
        staff_cookie={"name": "sessionid", "value": cookie.value, "url": base},
    )


def open_page(browser: Any, portal: Portal, name: str, **context_options: Any) -> Any:
    """A new browser context (own cookies, viewport, JavaScript on or off) showing that page."""
    context = browser.new_context(locale="fr-FR", **context_options)
    if name.startswith("backoffice"):
        context.add_cookies([portal.staff_cookie])
    page = context.new_page()
    watch_content_security_policy(page)
    response = page.goto(portal.base + portal.pages[name])
    assert response is not None
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{name}: {portal.pages[name]} answered {response.status}"
    return page


def watch_content_security_policy(page: Any) -> None:
    """Keep what the browser refused under the page's Content-Security-Policy (axe_violations
    reports it): a script, a style or an image the policy blocks is a broken page."""
    page.csp_refusals = []
    page.on(
        "console",
        lambda message: page.csp_refusals.append(message.text) if "Content Security Policy" in message.text else None,
    )


#: the grid's rows and columns of the page whose content runs past their bottom, drawn over what
#: follows (the menu, the footer): axe does not see it, a person cannot read it
OVERFLOWING = """() => [...document.querySelectorAll('main .fr-grid-row, main [class*="fr-col"]')]
  .filter(box => getComputedStyle(box).overflowY === 'visible' && box.clientHeight > 0
                 && box.scrollHeight > box.clientHeight + 2)
  .map(box => `${box.tagName.toLowerCase()}.${[...box.classList].join('.')}: ${box.scrollHeight} px of content `
              + `in ${box.clientHeight} px`)"""


def axe_violations(page: Any) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA, one line per rule, what the page's
    Content-Security-Policy refused, and the grid's boxes whose content is drawn past them over
    what follows. axe is evaluated through the DevTools protocol, which the policy does not
    govern (an inline <script> tag would be refused, rightly)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return (
        [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            for violation in result["violations"]
        ]
        + [f"csp: {refusal}" for refusal in getattr(page, "csp_refusals", [])]
        + [f"overlap: {box}" for box in page.evaluate(OVERFLOWING)]
    )
