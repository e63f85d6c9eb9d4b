"""The production profile (DJANGO_ENV=production): it refuses to start on a laptop's keys or
database, passes ``check --deploy`` with no warning; and what every environment sends: a
Content-Security-Policy, no-store on personal data, a sliding working-day session."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from orientation.accounts.models import User
from orientation.contact.models import caller_digest
from tests.conftest import REPOSITORY, login_verified

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "p" * 10 + "roduction-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "CALLER_DIGEST_KEY": "caller-digest-key-of-this-deployment-0123456789",
    "DATABASE_URL": "postgres://orientation:secret@127.0.0.1:5432/orientation",
    "ALLOWED_HOSTS": "orientation.example.gouv.fr",
    "SITE_URL": "https://orientation.example.gouv.fr",
    "DEBUG": "0",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    # As a deployment starts: none of this test run's settings (the browser tests' async switch…).
    left_out = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in left_out} | environment
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_production_profile_passes_check_deploy_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_laptop_profile_is_what_check_deploy_warns_about():
    """The same check on the laptop's defaults finds the holes the production profile closes."""
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr, warning


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "laptop-only-insecure-key-set-SECRET_KEY-in-production"}, "SECRET_KEY"),
        ({"CALLER_DIGEST_KEY": ""}, "CALLER_DIGEST_KEY"),
        ({"CALLER_DIGEST_KEY": PRODUCTION["SECRET_KEY"]}, "CALLER_DIGEST_KEY doit différer"),
        ({"DATABASE_URL": "sqlite:///var/db/demo.sqlite3"}, "PostgreSQL"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"SITE_URL": "http://orientation.example.gouv.fr"}, "SITE_URL"),
    ],
)
def test_the_production_profile_refuses_to_start_naming_what_is_wrong(change, named):
    environment = {key: value for key, value in (PRODUCTION | change).items() if value}
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "DJANGO_ENV=production refuse de démarrer" in result.stderr
    assert named in result.stderr


def test_the_callers_digest_has_a_key_of_its_own(settings):
    digest = caller_digest("+33254785487")
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert caller_digest("+33254785487") == digest
    settings.CALLER_DIGEST_KEY = "another-caller-digest-key-0123456789"
    assert caller_digest("+33254785487") != digest


def test_every_page_sends_a_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]  # style attributes only, not <style>
    nonce = directives["script-src"].split("'nonce-", 1)[1].rstrip("'")
    assert f'nonce="{nonce}"' in response.content.decode()  # the page's own script carries it
    assert nonce not in client.get("/")["Content-Security-Policy"]  # a fresh nonce each page


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(username="agent", email="agent@example.org", is_staff=True, is_superuser=True)


def test_pages_and_answers_with_personal_data_are_not_stored(client, staff):
    assert "no-store" not in client.get("/").get("Cache-Control", "")  # public pages may be cached
    assert "no-store" in client.get("/orientation/suivi/jeton-inconnu/")["Cache-Control"]
    login_verified(client, staff)
    for url in ("/gestion/", "/api/v1/referrals", "/api/v1/feeds", "/api/v1/labels/applications", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_a_staff_session_lasts_a_working_day_from_its_last_activity(staff, settings):
    client = login_verified(Client(), staff)
    start = timezone.now()
    for hours in (4, 8, 12, 16):  # active every 4 hours: still signed in after 16 hours
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/gestion/").status_code == 200, hours
    with time_machine.travel(start + timedelta(hours=16 + settings.SESSION_COOKIE_AGE / 3600 + 0.1), tick=False):
        response = client.get("/gestion/")  # a working day without activity: signed out
    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/connexion/")


def test_links_in_e_mails_follow_the_port_served():
    """`PORT=8765 make run` sends links to :8765, not to the default port."""
    result = manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", PORT="8765")
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8765", result.stdout + result.stderr
