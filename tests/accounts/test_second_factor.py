"""Enrolling the second factor: the password alone never shows a secret; the link e-mailed to
the account's address opens enrolment once, in the session signed in with that password; the
owner hears of every enrolment and reset, and an administrator can reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orientation.accounts.models import User
from tests.conftest import login_verified

PASSWORD = "un mot de passe solide"


def code_of(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(device.digits)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(username="agent", email="agent@example.org", password=PASSWORD, is_staff=True)


def signed_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post("/gestion/connexion/", {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith("/gestion/double-authentification/")
    return client


def link_in(mail) -> str:
    [link] = re.findall(r"http://\S+/gestion/double-authentification/activer/\S+/", mail.body)
    return link.removeprefix("http://127.0.0.1:8000")


def test_the_password_alone_shows_no_secret(staff):
    client = signed_in_with_password(staff)
    page = client.get("/gestion/double-authentification/").content.decode()
    assert "Clé à saisir" not in page
    assert "<svg" not in page
    assert "a••••@example.org" in page  # the address, masked
    assert "agent@example.org" not in page
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # A code posted without a link enrols nothing either.
    client.post("/gestion/double-authentification/", {"otp_token": "123456"})
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_the_e_mailed_link_opens_enrolment_once(staff, mailoutbox, commit):
    client = signed_in_with_password(staff)
    commit(client.post, "/gestion/double-authentification/", {"next": "/gestion/"})
    [mail] = mailoutbox
    assert mail.to == ["agent@example.org"]
    link = link_in(mail)
    # Opened in another browser signed in as someone else, it opens nothing.
    User.objects.create_user(username="autre", email="autre@example.org", password=PASSWORD, is_staff=True)
    other = signed_in_with_password(User.objects.get(username="autre"))
    other.get(link)
    assert "Clé à saisir" not in other.get("/gestion/double-authentification/").content.decode()
    # In the owner's session: the secret, then the first right code enrols it.
    assert client.get(link)["Location"] == "/gestion/double-authentification/"
    page = client.get("/gestion/double-authentification/").content.decode()
    assert "Clé à saisir" in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    # The same link again: used.
    again = client.get(link, follow=True).content.decode()
    assert "déjà servi" in again
    assert TOTPDevice.objects.get(user=staff, confirmed=False) == device
    response = commit(client.post, "/gestion/double-authentification/", {"otp_token": code_of(device)})
    assert response.status_code == 302
    assert client.get("/gestion/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert mailoutbox[-1].subject == "[Orientation pour tous] Double authentification activée"
    assert mailoutbox[-1].to == ["agent@example.org"]


def test_a_link_expires(staff, mailoutbox, commit, settings):
    client = signed_in_with_password(staff)
    commit(client.post, "/gestion/double-authentification/", {})
    link = link_in(mailoutbox[0])
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.SECOND_FACTOR_LINK_MINUTES + 1)):
        page = client.get(link, follow=True).content.decode()
    assert "expiré" in page
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_a_link_opened_before_signing_in_leads_through_the_password(staff, mailoutbox, commit):
    commit(signed_in_with_password(staff).post, "/gestion/double-authentification/", {})
    link = link_in(mailoutbox[0])
    fresh = Client()
    response = fresh.get(link)
    assert response["Location"].startswith("/gestion/connexion/")
    response = fresh.post(response["Location"], {"username": "agent", "password": PASSWORD})
    assert response["Location"] == link
    fresh.get(link)
    assert "Clé à saisir" in fresh.get("/gestion/double-authentification/").content.decode()


def test_links_are_throttled(staff, mailoutbox, commit):
    client = signed_in_with_password(staff)
    for _ in range(5):
        commit(client.post, "/gestion/double-authentification/", {})
    assert len(mailoutbox) == 3


def test_an_account_without_an_address_is_sent_to_its_administrator(db):
    user = User.objects.create_user(username="sans-adresse", password=PASSWORD, is_staff=True)
    client = signed_in_with_password(user)
    page = client.get("/gestion/double-authentification/").content.decode()
    assert "pas d’adresse électronique" in page
    assert "Recevoir le lien" not in page


def test_an_enrolled_account_is_reset_by_an_administrator(
    staff, mailoutbox, commit, django_capture_on_commit_callbacks
):
    login_verified(Client(), staff)  # someone enrolled an authenticator on this account
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_second_factor", "agent", "--send-link")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert [mail.subject for mail in mailoutbox] == [
        "[Orientation pour tous] Double authentification réinitialisée",
        "[Orientation pour tous] Activer la double authentification",
    ]
    client = signed_in_with_password(staff)
    client.get(link_in(mailoutbox[1]))
    assert "Clé à saisir" in client.get("/gestion/double-authentification/").content.decode()


def test_the_admin_resets_from_the_user_list(staff, verified_admin_client, mailoutbox, commit):
    login_verified(Client(), staff)
    response = commit(
        verified_admin_client.post,
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert "réinitialisée par" in mailoutbox[0].body


@pytest.fixture
def enrolled(staff) -> TOTPDevice:
    return TOTPDevice.objects.create(user=staff, name="Application d’authentification", confirmed=True)


def test_the_code_page_is_one_plain_field_with_the_device_chosen(staff, enrolled):
    client = signed_in_with_password(staff)
    page = client.get("/gestion/double-authentification/").content.decode()
    assert "Code à 6 chiffres" in page
    for raw in ("Otp device", "Otp token", "Otp challenge", "otp_device"):
        assert raw not in page
    response = client.post("/gestion/double-authentification/", {"otp_token": code_of(enrolled), "next": "/gestion/"})
    assert response["Location"] == "/gestion/"


def test_every_failure_of_a_code_says_why(staff, enrolled):
    client = signed_in_with_password(staff)
    start = timezone.now()
    with time_machine.travel(start, tick=False):  # the clock stands still: the wait below is certain
        right = code_of(enrolled)
        wrong = "000000" if right != "000000" else "111111"
        page = client.post("/gestion/double-authentification/", {"otp_token": wrong}).content.decode()
        assert "Ce code ne correspond pas" in page
        page = client.post("/gestion/double-authentification/", {"otp_token": right}).content.decode()
        assert "Trop de codes erronés" in page  # django-otp makes one wait a second after a wrong code
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        assert client.post("/gestion/double-authentification/", {"otp_token": right}).status_code == 302
    # A second sign-in within the same 30 seconds, with the same code: told to wait for the next one.
    other = signed_in_with_password(staff)
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        page = other.post("/gestion/double-authentification/", {"otp_token": right}).content.decode()
    assert "Ce code a déjà servi" in page
