"""Two web hosts, one Redis (Debian's redis-server, started by scripts/redis.sh): a limit counted
on one host holds on the other. Without a shared cache, each host would count on its own and
let twice as many sign-in links go."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from tests.conftest import gunicorn_server, migrated_sqlite_database

REDIS_URL = os.environ.get("REDIS_TEST_URL", "")


@pytest.fixture(scope="module")
def redis_url() -> str:
    if not REDIS_URL:
        message = "Redis : lancer avec REDIS_TEST_URL=$(scripts/redis.sh start) (c’est le cas en CI, par make test)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosts")
    return folder, migrated_sqlite_database(folder, "shared.sqlite3")


def ask_link(base: str, email: str) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/mon-espace/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email}).encode()
    request = urllib.request.Request(f"{base}/mon-espace/connexion/", data=data, headers={"Referer": base + "/"})
    try:
        return opener.open(request, timeout=20).status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_limit_counted_on_one_host_holds_on_the_other(migrated, redis_url):
    folder, database = migrated
    environment = {"REDIS_URL": redis_url, "PERSON_LINKS_PER_HOUR": "3", "SECURE_COOKIES": "0"}
    with (
        gunicorn_server(folder, f"sqlite:///{database}", **environment) as first,
        gunicorn_server(folder, f"sqlite:///{database}", **environment) as second,
    ):
        answers = [ask_link(host.url, "camille@example.org") for host in (first, second, first, second)]
        ready = [urllib.request.urlopen(f"{host.url}/sante/", timeout=20).status for host in (first, second)]
    assert answers == [200, 200, 200, 429]  # the fourth link is refused, on whichever host it is asked
    assert ready == [200, 200]
