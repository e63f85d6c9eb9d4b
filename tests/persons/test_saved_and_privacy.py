"""What the person keeps (saved things, followed searches mailed by the worker and unsubscribed
in one click), and their privacy: everything seen and erased in one place, an unused space
warned then erased, nothing of the passport in the logs or the search index."""

from __future__ import annotations

import logging
import os
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from orientation.accounts.models import User
from orientation.persons.models import Entry, EntryAttachment, SavedItem, SavedSearch, Share
from orientation.persons.services import persons_run_daily, saved_searches_run_daily
from orientation.referrals.models import Referral
from orientation.search.query import SearchQuery
from orientation.search.selectors import Location, search
from orientation.search.services import search_index_rebuild
from orientation.trainings.models import Action
from tests.conftest import run_command
from tests.persons.factories import EntryFactory, PersonFactory, ReadingFactory, SavedItemFactory, ShareFactory
from tests.referrals.factories import ReferralFactory
from tests.trainings.factories import ActionFactory, SessionFactory

pytestmark = pytest.mark.django_db


def person_client(person) -> Client:
    client = Client()
    client.force_login(person, backend="orientation.persons.backends.PersonLinkBackend")
    return client


def test_things_are_saved_from_their_pages_once(client):
    run_command("load_demo_data")
    person = PersonFactory()
    anonymous = client.post("/mon-espace/enregistrer/", {"kind": "metier", "key": "G1602", "suite": "/metiers/G1602/"})
    assert anonymous["Location"] == "/mon-espace/?suite=/metiers/G1602/"
    me = person_client(person)
    assert "Enregistrer dans mon espace" in me.get("/metiers/G1602/").content.decode()
    me.post("/mon-espace/enregistrer/", {"kind": "metier", "key": "g1602", "suite": "/metiers/G1602/"})
    me.post("/mon-espace/enregistrer/", {"kind": "metier", "key": "G1602", "suite": "/metiers/G1602/"})  # twice
    assert "Enregistré dans mon espace" in me.get("/metiers/G1602/").content.decode()
    action = Action.objects.open().first()
    me.post("/mon-espace/enregistrer/", {"kind": "formation", "key": str(action.pk)})
    me.post("/mon-espace/enregistrer/", {"kind": "etude", "key": "FOR.9664"})
    unknown = me.post("/mon-espace/enregistrer/", {"kind": "metier", "key": "Z9999"}, follow=True)
    assert "n’existe pas ou n’est plus proposé" in unknown.content.decode()
    assert SavedItem.objects.filter(person=person).count() == 3
    page = me.get("/mon-espace/enregistrements/").content.decode()
    assert 'href="/metiers/G1602/"' in page
    assert f'href="/formations/{action.pk}/"' in page
    assert 'href="/etudes/FOR.9664/"' in page


def test_a_followed_search_mails_the_new_trainings_then_unsubscribes_in_one_click(
    mailoutbox, django_capture_on_commit_callbacks
):
    old = ActionFactory(formation__title="CAP cuisine")
    SessionFactory(action=old)
    search_index_rebuild()
    person = PersonFactory(email="camille@example.org")
    from orientation.persons.services import saved_search_add

    saved = saved_search_add(
        person=person,
        text="cuisine",
        location=Location("Blois (41)", 47.586, 1.336),
        where="Blois (41)",
        radius_km=30,
        filters={},
    )
    assert saved.known == [str(old.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_searches_run_daily() == {"searches": 1, "alerts": 0}
    assert not mailoutbox
    new = ActionFactory(formation__title="Bac pro cuisine", city="Vineuil")
    SessionFactory(action=new)
    far = ActionFactory(formation__title="CAP cuisine", city="Marseille", latitude=43.3, longitude=5.4)
    SessionFactory(action=far)
    search_index_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_searches_run_daily() == {"searches": 1, "alerts": 1}
    mail = mailoutbox[-1]
    assert mail.to == ["camille@example.org"]
    assert mail.subject == "[Orientation pour tous] Une nouvelle formation près de chez vous"
    assert f"Bac pro cuisine — Vineuil : http://127.0.0.1:8000/formations/{new.pk}/" in mail.body
    assert "Marseille" not in mail.body
    unsubscribe = re.search(r"http://[^/]+(/mon-espace/alertes/\S+/)", mail.body).group(1)
    page = Client().get(unsubscribe)  # no sign-in needed
    assert page.status_code == 200
    assert "Alerte arrêtée" in page.content.decode()
    assert not SavedSearch.objects.get().alerts
    assert Client().get("/mon-espace/alertes/pas-un-jeton/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_searches_run_daily() == {"searches": 0, "alerts": 0}


def test_a_search_is_followed_from_the_results_page(client):
    run_command("load_demo_data")
    search_index_rebuild()
    me = person_client(PersonFactory())
    page = me.get("/recherche/", {"q": "cuisine", "ou": "Blois", "type": "formations"}).content.decode()
    assert "Suivre cette recherche" in page
    me.post("/mon-espace/recherches/", {"q": "cuisine", "ou": "Blois", "rayon": "30"})
    saved = SavedSearch.objects.get()
    assert (saved.text, saved.where, saved.radius_km) == ("cuisine", "Blois (41)", 30)
    assert saved.known  # what exists today is known, only what opens after is mailed
    nowhere = me.post("/mon-espace/recherches/", {"q": "cuisine", "ou": "Nulle-Part-sur-Mer"}, follow=True)
    assert "indiquez une commune ou un code postal" in nowhere.content.decode()


def test_the_person_erases_everything_in_one_place(mailoutbox, django_capture_on_commit_callbacks):
    person = PersonFactory(email="camille@example.org")
    entry = EntryFactory(person=person)
    me = person_client(person)
    me.post(
        f"/mon-espace/passeport/lignes/{entry.pk}/documents/",
        {"document": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", "application/pdf")},
    )
    assert EntryAttachment.objects.count() == 1
    stored = EntryAttachment.objects.get().document.path
    share = ShareFactory(person=person)
    ReadingFactory(share=share)
    SavedItemFactory(person=person)
    open_referral = ReferralFactory(
        person=person, email="camille@example.org", first_name="Camille", shared_fields=["name", "email"]
    )
    closed = ReferralFactory(person=person, refused=True, email="camille@example.org", shared_fields=["email"])
    page = me.get("/mon-espace/mes-donnees/").content.decode()
    assert "camille@example.org" in page
    refused = me.post("/mon-espace/mes-donnees/", {})
    assert refused.status_code == 422
    assert User.objects.filter(pk=person.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = me.post("/mon-espace/mes-donnees/", {"confirm": "on"})
    assert "Votre espace est effacé" in done.content.decode()
    assert not User.objects.filter(pk=person.pk).exists()
    assert EntryAttachment.objects.count() == 0
    for model in (Entry, Share, SavedItem):
        assert not model.objects.exists(), model
    open_referral.refresh_from_db()
    closed.refresh_from_db()
    assert open_referral.state == Referral.State.WITHDRAWN
    assert (open_referral.email, open_referral.first_name) == ("", "")
    assert closed.email == ""
    assert closed.anonymised_at is not None
    assert not os.path.exists(stored)
    assert any("est effacé" in mail.subject for mail in mailoutbox)
    assert me.get("/mon-espace/passeport/").status_code == 302  # signed out


def test_an_unused_space_is_warned_then_erased_a_month_later(mailoutbox, django_capture_on_commit_callbacks):
    sleeping = PersonFactory(email="dort@example.org", last_active_at=timezone.now() - timedelta(days=2 * 365 + 1))
    EntryFactory(person=sleeping)
    awake = PersonFactory(last_active_at=timezone.now() - timedelta(days=30))
    returning = PersonFactory(email="revient@example.org", last_active_at=timezone.now() - timedelta(days=800))
    never = PersonFactory(last_active_at=None, last_login=None)
    User.objects.filter(pk=never.pk).update(date_joined=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        counts = persons_run_daily()
    assert counts == {"warned": 2, "erased": 0, "never_used": 1}
    assert {mail.to[0] for mail in mailoutbox} == {"dort@example.org", "revient@example.org"}
    assert "sera effacé le" in mailoutbox[0].subject
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        person_client(returning).get("/mon-espace/")  # comes back: the clock starts again
    with time_machine.travel(timezone.now() + timedelta(days=31)), django_capture_on_commit_callbacks(execute=True):
        counts = persons_run_daily()
    assert counts["erased"] == 1
    assert not User.objects.filter(pk=sleeping.pk).exists()
    assert User.objects.filter(pk__in=[awake.pk, returning.pk]).count() == 2
    assert not Entry.objects.exists()


def test_nothing_of_the_passport_goes_into_the_logs_or_the_search_index(caplog, mailoutbox):
    marker = "Zorglubienne-4471"
    person = PersonFactory(first_name=marker)
    me = person_client(person)
    caplog.set_level(logging.DEBUG)
    me.post(
        "/mon-espace/passeport/emplois/ajouter/",
        {"title": f"Emploi {marker}", "organisation": marker, "started_on": "2020-01-01", "skills": marker},
    )
    me.post("/mon-espace/passeport/emplois/ajouter/", {"title": marker, "started_on": "2999-01-01"})  # refused
    me.get("/mon-espace/passeport/")
    me.get("/mon-espace/passeport/export.json")
    me.post("/mon-espace/connexion/", {"email": f"{marker.lower()}@example.org"})
    assert Entry.objects.filter(title__contains=marker).exists()
    assert marker not in caplog.text
    assert marker.lower() not in caplog.text.lower()
    search_index_rebuild()
    assert search(SearchQuery(text=marker)).total == 0


def test_a_visitors_page_with_the_spaces_buttons_sets_no_cookie(client):
    run_command("load_demo_data")
    search_index_rebuild()
    action = Action.objects.open().first()
    answers = "".join("4" for _ in range(54))
    for url in (
        "/metiers/G1602/",
        f"/formations/{action.pk}/",
        "/etudes/FOR.9664/",
        f"/interets/resultat/?r={answers}",
        "/recherche/?q=cuisine&ou=Blois&type=formations",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "mon-espace/?suite=" in page.content.decode(), url  # the button leads to the sign-in
        assert not page.cookies, (url, page.cookies)
