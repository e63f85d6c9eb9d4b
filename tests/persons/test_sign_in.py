"""Opening one's own space by an e-mailed link: single use, short-lived, throttled; the same
answer whatever the address; a space is a person's only (no back-office, no staff API)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from orientation.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.persons.factories import PersonFactory
from tests.referrals.factories import InterviewFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def ask_link(client: Client, email: str, outbox: list, capture: Any, **extra: str) -> str:
    """Ask a link for ``email``; the path of the link the mail holds."""
    before = len(outbox)
    with capture(execute=True):
        response = client.post("/mon-espace/connexion/", {"email": email, **extra})
    assert response.status_code == 200, response.content.decode()[:500]
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert len(outbox) == before + 1
    link = re.search(r"https?://[^/\s]+(/mon-espace/connexion/lien/\S+)", outbox[-1].body)
    assert link, outbox[-1].body
    return link.group(1)


def use_link(client: Client, path: str) -> object:
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(r'name="lien" value="([^"]+)"', page.content.decode()).group(1)
    suite = re.search(r'name="suite" value="([^"]+)"', page.content.decode())
    return client.post("/mon-espace/connexion/lien/", {"lien": token, **({"suite": suite.group(1)} if suite else {})})


def test_a_new_address_opens_a_space_by_its_link_once(client, mailoutbox, django_capture_on_commit_callbacks):
    path = ask_link(client, "Camille.Durand@Example.ORG", mailoutbox, django_capture_on_commit_callbacks)
    mail = mailoutbox[-1]
    assert mail.to == ["Camille.Durand@example.org"]
    assert "Il sert une seule fois et pendant 20 minutes" in mail.body
    person = User.objects.get(email="Camille.Durand@example.org")
    assert person.is_person
    assert not person.has_usable_password()
    assert not person.is_staff
    # opening the link shows a button: a mail scanner that follows links does not spend it
    assert client.get(path).status_code == 200
    assert "_auth_user_id" not in client.session
    response = use_link(client, path)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.session.get_expiry_age() == 14 * 86400  # a person's own session lifetime
    page = client.get("/mon-espace/").content.decode()
    assert "Mon passeport orientation-formation" in page
    # used once: a second time (another browser, the back button) opens nothing
    other = Client()
    assert use_link(other, path).status_code == 410
    assert "_auth_user_id" not in other.session


def test_a_link_expires_after_twenty_minutes(client, mailoutbox, django_capture_on_commit_callbacks):
    path = ask_link(client, "camille@example.org", mailoutbox, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(minutes=21)):
        assert use_link(client, path).status_code == 410
    assert "_auth_user_id" not in client.session


def test_the_answer_is_the_same_whoever_owns_the_address(client, mailoutbox, django_capture_on_commit_callbacks):
    staff = UserFactory(email="conseillere@ml-blois.example.org", is_staff=True)
    existing = PersonFactory(email="camille@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/mon-espace/connexion/", {"email": "nouveau@example.org"}).content.decode()
        known = client.post("/mon-espace/connexion/", {"email": "camille@example.org"}).content.decode()
        of_staff = client.post("/mon-espace/connexion/", {"email": staff.email}).content.decode()
    strip = lambda page: re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", page)  # noqa: E731
    assert strip(new) == strip(known) == strip(of_staff)
    # the staff address is told it signs in elsewhere, and no person's space is opened with it
    assert "jamais par un lien" in mailoutbox[-1].body
    assert "/mon-espace/connexion/lien/" not in mailoutbox[-1].body
    assert User.objects.filter(email__iexact=staff.email).count() == 1
    assert User.objects.filter(pk=existing.pk, is_person=True).exists()


def test_links_are_limited_per_address_and_the_refusal_sends_nothing(client, mailoutbox, settings):
    settings.PERSON_LINKS_PER_HOUR = 3
    for _ in range(3):
        assert client.post("/mon-espace/connexion/", {"email": "camille@example.org"}).status_code == 200
    response = client.post("/mon-espace/connexion/", {"email": "camille@example.org"})
    assert response.status_code == 429
    assert "Trop de liens demandés" in response.content.decode()
    assert client.post("/mon-espace/connexion/", {"email": "autre@example.org"}).status_code == 200


def test_a_bad_address_is_named_and_opens_nothing(client):
    response = client.post("/mon-espace/connexion/", {"email": "camille at example"})
    assert response.status_code == 422
    assert re.search(r"fr-error-text[^>]*>\s*Saisissez une adresse", response.content.decode())
    assert not User.objects.filter(is_person=True).exists()


def test_signing_in_brings_the_referrals_made_with_consent_under_that_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    interview = InterviewFactory(consenting=True, email="ines@example.org")
    mine = ReferralFactory(interview=interview, email="ines@example.org", shared_fields=["email"])
    anonymous = ReferralFactory()  # no address: not hers
    path = ask_link(client, "ines@example.org", mailoutbox, django_capture_on_commit_callbacks)
    use_link(client, path)
    page = client.get("/mon-espace/demandes/").content.decode()
    assert f"/mon-espace/demandes/{mine.pk}/effacer/" in page
    assert f"/mon-espace/demandes/{anonymous.pk}/effacer/" not in page
    mine.refresh_from_db()
    assert mine.person.email == "ines@example.org"


def test_a_person_never_enters_the_back_office_nor_the_staff_api(client):
    person = PersonFactory()
    client.force_login(person, backend="orientation.persons.backends.PersonLinkBackend")
    assert client.get("/gestion/").status_code == 403
    assert client.get("/gestion/orientations/").status_code == 403
    assert client.get("/gestion/double-authentification/").status_code == 403
    assert client.get("/api/v1/referrals").status_code == 401
    assert client.get("/admin/").status_code == 302  # the admin's own sign-in: persons are not staff


def test_the_next_page_survives_the_sign_in(client, mailoutbox, django_capture_on_commit_callbacks):
    page = client.get("/mon-espace/passeport/")
    assert page.status_code == 302
    assert page["Location"] == "/mon-espace/?suite=/mon-espace/passeport/"
    path = ask_link(
        client, "camille@example.org", mailoutbox, django_capture_on_commit_callbacks, suite="/mon-espace/passeport/"
    )
    response = use_link(client, path)
    assert response["Location"] == "/mon-espace/passeport/"
    # another site is never a destination
    path = ask_link(
        Client(), "camille@example.org", mailoutbox, django_capture_on_commit_callbacks, suite="https://example.com/"
    )
    assert "suite" not in path


def test_stale_links_clicked_again_never_lock_out_the_address(client, mailoutbox, django_capture_on_commit_callbacks):
    path = ask_link(client, "camille@example.org", mailoutbox, django_capture_on_commit_callbacks)
    use_link(Client(), path)
    for _ in range(8):  # the used link, clicked again and again from the same address
        assert use_link(Client(), path).status_code == 410
    fresh = ask_link(client, "autre@example.org", mailoutbox, django_capture_on_commit_callbacks)
    assert use_link(client, fresh).status_code == 302
