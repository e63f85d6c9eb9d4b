"""The audience, counted without cookies or personal data: no Set-Cookie on a public page, exact
counts after a scripted browse, « Do Not Track » and Global Privacy Control obeyed, robots left
out, no address or user agent anywhere in the database, the searches that found nothing shown
to operators only past the threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client

from orientation.search.services import search_index_rebuild
from orientation.statistics import audience
from orientation.statistics.models import AudienceCount, Metric, result_range
from orientation.statistics.selectors import empty_search_terms
from orientation.statistics.services import audience_flush, statistics_daily_purge
from tests.accounts.factories import UserFactory
from tests.conftest import login_verified, run_command

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
COMPUTER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
ADDRESS = "203.0.113.57"


@pytest.fixture
def demo():
    run_command("load_demo_data")
    search_index_rebuild()


def counts() -> dict[tuple[str, str], int]:
    audience_flush()
    return {(metric, key): count for metric, key, count in AudienceCount.objects.values_list("metric", "key", "count")}


def visitor(user_agent: str = PHONE, address: str = ADDRESS, **headers: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **headers)


def test_a_public_page_sets_no_cookie(demo):
    for url in ("/", "/metiers/G1602/", "/recherche/?q=cuisine&ou=Blois", "/statistiques/", "/interets/"):
        response = visitor().get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url


def test_a_scripted_browse_gives_exact_counts(demo):
    phone = visitor()
    phone.get("/", HTTP_REFERER="https://www.qwant.com/?q=metier+cuisine")
    phone.get("/metiers/G1602/", HTTP_REFERER="http://testserver/")
    phone.get("/recherche/", {"q": "cuisine", "ou": "Blois"}, HTTP_REFERER="http://testserver/")
    phone.get("/recherche/", {"q": "zzqqxx"})
    phone.get("/recherche/", {"q": "cuisine", "ou": "Blois", "page": "2"})  # a next page is not a new search
    computer = visitor(COMPUTER, "198.51.100.4")
    computer.get("/metiers/G1602/")
    visitor(COMPUTER, "198.51.100.9", HTTP_DNT="1").get("/")  # Do Not Track: not counted at all
    visitor(COMPUTER, "198.51.100.10", HTTP_SEC_GPC="1").get("/")  # Global Privacy Control
    visitor("Googlebot/2.1 (+http://www.google.com/bot.html)", "66.249.66.1").get("/")  # a robot
    visitor().get("/api/v1/occupations/G1602")  # the API is not an audience page
    found = counts()
    assert found[(Metric.VISITS, "")] == 2
    assert found[(Metric.ENTRIES, "www:home")] == 1
    assert found[(Metric.ENTRIES, "www:occupation")] == 1
    assert found[(Metric.PAGE_VIEWS, "www:home")] == 1
    assert found[(Metric.PAGE_VIEWS, "www:occupation")] == 2
    assert found[(Metric.PAGE_VIEWS, "www:search")] == 3
    assert found[(Metric.DEVICES, "téléphone")] == 5
    assert found[(Metric.DEVICES, "ordinateur")] == 1
    assert found[(Metric.REFERRERS, "qwant.com")] == 1
    assert (Metric.REFERRERS, "testserver") not in found  # our own pages are not a referring site
    assert found[(Metric.SEARCHES, "occupation")] == 2
    assert found[(Metric.EMPTY_SEARCHES, "occupation")] == 1
    ranges = {key: count for (metric, key), count in found.items() if metric == Metric.SEARCH_RESULTS}
    found_cuisine = phone.get("/api/v1/search/occupations", {"q": "cuisine"}).json()["total"]
    assert ranges == {"occupation:0": 1, f"occupation:{result_range(found_cuisine)}": 1}
    assert found_cuisine > 0
    assert found[(Metric.EMPTY_TERMS, "zzqqxx")] == 1
    assert found[(Metric.SEARCHED_DEPARTMENTS, "41")] == 1
    assert sum(count for (metric, _key), count in found.items() if metric == Metric.PAGE_VIEWS) == 6


def _rows_holding(needle: str) -> list[str]:
    """The tables of the database with a row that holds ``needle``, wherever it is written."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(needle in " ".join(str(value) for value in row) for row in cursor.fetchall()):
                found.append(table)
    return found


def test_no_address_or_user_agent_is_stored_anywhere_and_the_days_digests_go_with_the_day(demo):
    browser = visitor()
    for url in ("/", "/metiers/G1602/", "/recherche/?q=cuisine&ou=Blois", "/interets/"):
        browser.get(url, HTTP_REFERER="https://duckduckgo.com/")
    counts()
    for needle in (ADDRESS, PHONE, "iPhone"):
        assert _rows_holding(needle) == [], needle
    # the day's digest (a salted hash, not the address) lives in the shared cache alone, for the day
    digest = audience.visitor_digest(audience.timezone.localdate(), ADDRESS, PHONE)
    assert _rows_holding(digest) in ([], ["orientation_counters"])
    with time_machine.travel(audience.timezone.now() + timedelta(days=2)):
        assert statistics_daily_purge() >= 1
    assert _rows_holding(digest) == []


def test_the_searches_that_found_nothing_show_only_past_the_threshold(client, demo):
    operator = UserFactory(is_staff=True, is_national_admin=True)
    login_verified(client, operator)
    for number in range(5):
        visitor(address=f"192.0.2.{number}").get("/recherche/", {"q": "Xqzvwk Brtplm"})
    for number in range(4):
        visitor(address=f"192.0.2.{number}").get("/recherche/", {"q": "métier rare introuvable"})
    audience_flush()
    today = audience.timezone.localdate()
    assert empty_search_terms(since=today, until=today) == [("xqzvwk brtplm", 5)]
    page = client.get("/gestion/recherches-sans-resultat/").content.decode()
    assert "xqzvwk brtplm" in page
    assert "métier rare introuvable" not in page
    # someone else of the back-office does not see them
    assert (
        login_verified(Client(), UserFactory(is_staff=True)).get("/gestion/recherches-sans-resultat/").status_code
        == 403
    )


def test_two_processes_writing_the_same_day_add_up(demo):
    day = audience.timezone.localdate()
    audience.BUFFER.add(day, Metric.PAGE_VIEWS, "www:home", 3)
    audience_flush()
    audience.BUFFER.add(day, Metric.PAGE_VIEWS, "www:home", 4)  # another process, the same row
    audience_flush()
    assert AudienceCount.objects.get(day=day, metric=Metric.PAGE_VIEWS, key="www:home").count == 7


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (PHONE, "téléphone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36", "téléphone"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1", "tablette"),
        ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/131.0 Safari/537.36", "tablette"),
        (COMPUTER, "ordinateur"),
    ],
)
def test_device_classes(user_agent, device):
    assert audience.device_class(user_agent) == device


@pytest.mark.parametrize(
    ("total", "bound"),
    [(0, "0"), (1, "1-9"), (9, "1-9"), (10, "10-49"), (49, "10-49"), (50, "50-199"), (199, "50-199"), (200, "200+")],
)
def test_result_ranges(total, bound):
    assert result_range(total) == bound
