"""Sharing the passport with an adviser by the person's consent: chosen sections, one
organisation, a period, revocable; every reading written down and shown to the person; nobody
else reads it (another organisation, another person, an anonymous request), by page or API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orientation.persons.models import Entry, Reading, Section, Share
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login_verified
from tests.directory.factories import OrganisationFactory
from tests.persons.factories import EntryFactory, PersonFactory, ShareFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def adviser_of(organisation, **names):
    user = UserFactory(is_staff=True, first_name=names.get("first", "Aline"), last_name=names.get("last", "Roux"))
    MembershipFactory(user=user, organisation=organisation)
    return user


def person_client(person) -> Client:
    client = Client()
    client.force_login(person, backend="orientation.persons.backends.PersonLinkBackend")
    return client


def test_a_person_shares_chosen_sections_with_one_organisation_for_a_period(client):
    mission = OrganisationFactory(name="Mission locale de Blois")
    adviser_of(mission)
    OrganisationFactory(name="Mission locale de Blois (antenne sans conseiller)")
    person = PersonFactory()
    EntryFactory(person=person, title="CAP cuisine")
    EntryFactory(person=person, job=True, title="Commis de cuisine")
    me = person_client(person)
    suggestions = me.get("/mon-espace/suggestions/organisations/", {"q": "mission locale de bl"}).json()
    assert [value["value"] for value in suggestions] == ["Mission locale de Blois"]
    response = me.post(
        "/mon-espace/partages/",
        {"organisation": "Mission locale de Blois", "sections": ["diplomes", "projet"], "months": "6"},
    )
    assert response.status_code == 302
    share = Share.objects.get(person=person)
    assert share.organisation == mission
    assert share.sections == ["diplomes", "projet"]
    assert timedelta(days=180) < share.expires_at - timezone.now() < timedelta(days=185)
    Reading.objects.create(share=share, reader_name="Aline Roux", organisation_name=mission.name, what="passeport")
    # Shared again with the same organisation (the form sent twice, a section added): the same
    # share reads what was chosen now, until the new date, and keeps its readings.
    response = me.post(
        "/mon-espace/partages/",
        {"organisation": "Mission locale de Blois", "sections": ["emplois"], "months": "1"},
        follow=True,
    )
    assert "Votre partage avec Mission locale de Blois est mis à jour" in response.content.decode()
    again = Share.objects.get(person=person)
    assert again.pk == share.pk
    assert again.sections == ["emplois"]
    assert timedelta(days=29) < again.expires_at - timezone.now() < timedelta(days=32)
    assert again.readings.count() == 1
    # once withdrawn, sharing again opens a new share
    me.post(f"/mon-espace/partages/{share.pk}/retirer/")
    me.post(
        "/mon-espace/partages/", {"organisation": "Mission locale de Blois", "sections": ["emplois"], "months": "3"}
    )
    assert Share.objects.filter(person=person).count() == 2
    assert Share.objects.active().get(person=person).pk != share.pk


def test_organisations_are_found_as_people_type_them_without_accents(client):
    vendome = OrganisationFactory(name="Centre d’information et d’orientation de Vendôme")
    adviser_of(vendome)
    adviser_of(OrganisationFactory(name="Mission locale de Vendôme"))
    me = person_client(PersonFactory())

    def suggested(text: str) -> list[str]:
        return [value["value"] for value in me.get("/mon-espace/suggestions/organisations/", {"q": text}).json()]

    assert suggested("vendome") == ["Mission locale de Vendôme", "Centre d’information et d’orientation de Vendôme"]
    assert suggested("orientation vendome") == ["Centre d’information et d’orientation de Vendôme"]
    assert suggested("MISSION LOCALE") == ["Mission locale de Vendôme"]
    assert suggested("endome") == []  # the start of a word, as the other suggestions
    # typed without its accents, the name is still the person's choice
    response = me.post(
        "/mon-espace/partages/",
        {"organisation": "centre d'information et d'orientation de vendome", "sections": ["diplomes"], "months": "3"},
    )
    assert response.status_code == 302
    assert Share.objects.get().organisation == vendome


def test_the_adviser_reads_the_shared_sections_only_and_the_person_sees_it(client):
    mission = OrganisationFactory(name="Mission locale de Blois")
    adviser = adviser_of(mission, first="Aline", last="Roux")
    person = PersonFactory(first_name="Camille", last_name="Durand")
    EntryFactory(person=person, title="CAP cuisine")
    EntryFactory(person=person, job=True, title="Commis de cuisine")
    share = ShareFactory(person=person, organisation=mission, sections=["diplomes"])
    login_verified(client, adviser)
    listing = client.get("/gestion/passeports/").content.decode()
    assert "Camille Durand" in listing
    page = client.get(f"/gestion/passeports/{share.pk}/").content.decode()
    assert "CAP cuisine" in page
    assert "Commis de cuisine" not in page  # not shared
    reading = Reading.objects.get(share=share)
    assert (reading.reader_name, reading.organisation_name) == ("Aline Roux", "Mission locale de Blois")
    mine = person_client(person).get("/mon-espace/partages/").content.decode()
    assert "Qui a consulté mon passeport" in mine
    assert "Aline Roux (Mission locale de Blois) : passeport" in mine
    api = client.get(f"/api/v1/passports/shared/{share.pk}").json()
    assert [entry["title"] for entry in api["passport"]["sections"]["diplomas"]] == ["CAP cuisine"]
    assert "jobs" not in api["passport"]["sections"]
    assert Reading.objects.filter(share=share).count() == 2


@pytest.mark.parametrize("who", ["another organisation", "another person", "anonymous", "revoked", "expired"])
def test_nobody_else_reads_a_passport(client, who):
    mission = OrganisationFactory()
    person = PersonFactory()
    EntryFactory(person=person, title="CAP cuisine")
    share = ShareFactory(person=person, organisation=mission)
    if who == "another organisation":
        login_verified(client, adviser_of(OrganisationFactory()))
    elif who == "another person":
        client = person_client(PersonFactory())
    elif who == "revoked":
        login_verified(client, adviser_of(mission))
        person_client(person).post(f"/mon-espace/partages/{share.pk}/retirer/")
    elif who == "expired":
        login_verified(client, adviser_of(mission))
        Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(f"/gestion/passeports/{share.pk}/")
    api = client.get(f"/api/v1/passports/shared/{share.pk}")
    pdf = client.get(f"/gestion/passeports/{share.pk}/passeport.pdf")
    listing = client.get("/gestion/passeports/")
    if who in ("anonymous",):
        assert page.status_code == 302
        assert api.status_code == 401
    elif who == "another person":
        assert page.status_code == 403
        assert api.status_code == 401
    else:
        assert page.status_code == 404
        assert api.status_code == 404
        assert pdf.status_code == 404
        assert "CAP cuisine" not in listing.content.decode()
    assert not Reading.objects.exists()


def test_an_adviser_proposes_an_entry_that_the_person_accepts(client, mailoutbox, django_capture_on_commit_callbacks):
    mission = OrganisationFactory(name="Mission locale de Blois")
    adviser = adviser_of(mission)
    person = PersonFactory(email="camille@example.org")
    share = ShareFactory(person=person, organisation=mission, sections=["formations", "projet"])
    login_verified(client, adviser)
    form = client.get(f"/gestion/passeports/{share.pk}/?proposer=formations").content.decode()
    assert 'name="section" value="formations"' in form
    not_shared = client.post(f"/gestion/passeports/{share.pk}/proposer/", {"section": "emplois", "title": "x"})
    assert not_shared.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/gestion/passeports/{share.pk}/proposer/",
            {"section": "formations", "title": "Atelier « Techniques de recherche d’emploi »", "hours": "12",
             "started_on": "2026-11-02", "ended_on": "2026-11-04"},
        )  # fmt: skip
    assert response.status_code == 302
    proposal = Entry.objects.get(person=person)
    assert proposal.state == Entry.State.PROPOSED
    assert proposal.proposed_by_organisation == mission
    assert mailoutbox[-1].to == ["camille@example.org"]
    assert "Mission locale de Blois vous propose" in mailoutbox[-1].body
    assert not Entry.objects.of(person).exists()
    me = person_client(person)
    me.post(f"/mon-espace/passeport/propositions/{proposal.pk}/", {"answer": "accept"})
    assert list(Entry.objects.of(person)) == [proposal]


def test_a_passport_attached_to_a_referral_is_read_by_its_service_too(client):
    mission = OrganisationFactory(name="Mission locale de Blois")
    cio = OrganisationFactory(name="CIO de Blois")
    adviser, receiver = adviser_of(mission), adviser_of(cio, first="Bruno")
    person = PersonFactory()
    EntryFactory(person=person, title="CAP cuisine")
    referral = ReferralFactory(
        interview__organisation=mission, offer__organisation=cio, interview__adviser=adviser, person=person
    )
    share = ShareFactory(person=person, organisation=mission, sections=[Section.DIPLOMAS.value])
    login_verified(client, receiver)
    assert client.get(f"/gestion/passeports/{share.pk}/").status_code == 404
    sender = login_verified(Client(), adviser)
    no_consent = sender.post(f"/gestion/passeports/{share.pk}/joindre/", {"target": f"orientation-{referral.pk}"})
    assert no_consent.status_code == 302
    assert Share.objects.get(pk=share.pk).referral is None
    sender.post(f"/gestion/passeports/{share.pk}/joindre/", {"target": f"orientation-{referral.pk}", "consent": "1"})
    assert Share.objects.get(pk=share.pk).referral == referral
    page = client.get(f"/gestion/passeports/{share.pk}/").content.decode()
    assert "CAP cuisine" in page
    assert Reading.objects.get().organisation_name == "CIO de Blois"
    assert "Joint, avec votre accord, à votre demande auprès de CIO de Blois" in (
        person_client(person).get("/mon-espace/partages/").content.decode()
    )


def test_the_shared_passports_list_costs_the_same_for_few_and_many(client):
    mission = OrganisationFactory()
    login_verified(client, adviser_of(mission))
    ShareFactory.create_batch(2, organisation=mission)
    client.get("/gestion/passeports/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/gestion/passeports/")
    ShareFactory.create_batch(8, organisation=mission)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/gestion/passeports/").content.decode()
    assert len(many) == len(few)
    assert page.count("/gestion/passeports/") >= 10
