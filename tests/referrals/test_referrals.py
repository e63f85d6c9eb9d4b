"""The referral's life: sending with consent, the secure link, answers, the person's view and
withdrawal, reminders on days 10 and 20, expiry on day 30, purge and anonymisation."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from orientation.referrals import services
from orientation.referrals.models import PersonalDataAccess, Referral, TextMessage
from orientation.utils.mail import site_url
from tests.referrals.conftest import young_person

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2027, 3, 1, 10, tzinfo=PARIS)


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(moment: datetime, action, **kwargs):
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_an_interview_stays_anonymous_without_consent(town):
    with pytest.raises(ValidationError, match="accord explicite"):
        young_person(town, consent=False, person=services.PersonDetails(first_name="Inès"))
    interview = young_person(town, consent=False)
    assert not interview.has_personal_data
    assert interview.consent_wording == ""
    assert not PersonalDataAccess.objects.exists()
    with pytest.raises(ValidationError, match="aucune donnée personnelle"):
        services.referral_send(interview=interview, offer=town.offer, by_user=town.adviser, share=["name"])


def test_consent_is_kept_with_its_wording_date_and_adviser(town):
    with at(START):
        interview = young_person(town)
    assert interview.consent_wording == services.CONSENT_WORDING
    assert interview.consent_at == START
    assert interview.consent_recorded_by == town.adviser
    assert PersonalDataAccess.objects.get().action == "record"


def test_a_referral_carries_only_what_the_person_agreed_to_share(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    referral, links = commit(
        START,
        services.referral_send,
        interview=interview,
        offer=town.offer,
        by_user=town.adviser,
        message="Inès est motivée.",
        share=["name", "phone"],
    )
    assert (referral.first_name, referral.last_name, referral.phone, referral.email) == (
        "Inès",
        "Martin",
        "06 12 34 56 78",
        "",
    )
    assert referral.state == "sent"
    assert referral.receiver_token_digest
    assert links.receiver.split("/")[-2] not in referral.receiver_token_digest
    to_service = next(m for m in mailoutbox if m.to == ["accueil@ml-blois.example.org"])
    assert links.receiver in to_service.body
    assert "Inès" not in to_service.body  # personal data is read behind the link, not in a mail
    to_person = next(m for m in mailoutbox if m.to == ["ines@example.org"])
    assert links.person in to_person.body
    sms = TextMessage.objects.get()
    assert sms.phone == "06 12 34 56 78"
    # The stored SMS holds no token that opens the person's page; the adapter writes the link in.
    assert token_of(links.person) not in sms.body
    assert "{lien}" in sms.body
    assert links.person in services.text_message_text(sms)


def test_the_receiver_opens_the_secure_link_and_accepts(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    referral, links = commit(START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser)
    token = token_of(links.receiver)
    with at(START + timedelta(days=1)):
        found = services.referral_by_receiver_token(token)
        assert found == referral
        services.referral_mark_seen(referral=found, actor=services.SECURE_LINK)
    mailoutbox.clear()
    commit(
        START + timedelta(days=2),
        services.referral_accept,
        referral=referral,
        actor=services.SECURE_LINK,
        message="Rendez-vous proposé mardi.",
    )
    referral.refresh_from_db()
    assert referral.state == "accepted"
    assert [e.action for e in referral.events.all()] == ["sent", "seen", "accepted"]
    assert referral.events.get(action="accepted").actor == "lien sécurisé"
    assert {tuple(m.to) for m in mailoutbox} == {("conseillere-cio@example.org",), ("ines@example.org",)}
    # Answered: the link still reads the accepted referral (to contact the person), and a
    # second answer is refused.
    assert services.referral_by_receiver_token(token).state == "accepted"
    with pytest.raises(services.TransitionError):
        services.referral_refuse(
            referral=referral, actor=services.SECURE_LINK, reason="capacite", shown_to_person=False
        )
    assert services.referral_by_person_token(token_of(links.person)).state == "accepted"


def test_an_expired_link_gives_nothing_and_can_be_renewed(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    referral, links = commit(START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser)
    token = token_of(links.receiver)
    with at(START + timedelta(days=8, minutes=1)):
        assert services.referral_by_receiver_token(token) is None
        assert services.referral_by_expired_receiver_token(token) == referral
    mailoutbox.clear()
    assert commit(START + timedelta(days=9), services.referral_renew_link, referral=referral)
    [mail] = mailoutbox
    fresh = re.search(r"/orientation/recevoir/([\w-]+)/", mail.body).group(1)
    with at(START + timedelta(days=9)):
        assert services.referral_by_receiver_token(fresh) == referral
        assert services.referral_by_receiver_token(token) is None
    assert services.referral_by_receiver_token("n'importe quoi") is None


def test_a_refusal_says_why_and_the_person_reads_it_only_if_allowed(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    referral, _links = commit(
        START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser
    )
    mailoutbox.clear()
    actor = services.Actor.of(town.mission_locale_admin)
    with pytest.raises(ValidationError, match="motif"):
        services.referral_refuse(referral=referral, actor=actor, reason="parce que", shown_to_person=True)
    commit(
        START + timedelta(days=3),
        services.referral_refuse,
        referral=referral,
        actor=actor,
        reason="capacite",
        shown_to_person=False,
    )
    to_adviser = next(m for m in mailoutbox if m.to == ["conseillere-cio@example.org"])
    assert "complet pour le moment" in to_adviser.body
    to_person = next(m for m in mailoutbox if m.to == ["ines@example.org"])
    assert "complet" not in to_person.body
    assert "autre solution" in to_person.body


def test_another_organisation_cannot_answer(town, commit):
    interview = commit(START, young_person, town=town)
    referral, _links = commit(
        START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser
    )
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=services.Actor.of(town.outsider))
    with pytest.raises(PermissionDenied):
        services.referral_send(interview=interview, offer=town.tours_offer, by_user=town.outsider)
    referral.refresh_from_db()
    assert referral.state == "sent"


def test_the_person_withdraws_and_their_data_is_erased(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    attachment = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv", content_type="application/pdf")
    referral, links = commit(
        START,
        services.referral_send,
        interview=interview,
        offer=town.offer,
        by_user=town.adviser,
        share=["name", "email", "phone"],
        attachments=[attachment],
    )
    assert referral.attachments.count() == 1
    person = services.referral_by_person_token(token_of(links.person))
    export = services.person_data_export(person)
    assert export["donnees_personnelles"]["prenom"] == "Inès"
    assert export["accord"]["texte"] == services.CONSENT_WORDING
    mailoutbox.clear()
    commit(START + timedelta(days=4), services.referral_withdraw, referral=person)
    referral.refresh_from_db()
    interview.refresh_from_db()
    assert referral.state == "withdrawn"
    assert (referral.first_name, referral.email, referral.phone, referral.shared_fields) == ("", "", "", [])
    assert not referral.attachments.exists()
    assert not interview.has_personal_data
    assert {tuple(m.to) for m in mailoutbox} == {("accueil@ml-blois.example.org",), ("conseillere-cio@example.org",)}
    assert services.referral_by_receiver_token(token_of(links.receiver)) is None
    assert services.referral_by_person_token(token_of(links.person)).state == "withdrawn"


def test_reminders_on_days_10_and_20_then_expiry_on_day_30(town, mailoutbox, commit):
    interview = commit(START, young_person, town=town)
    referral, _links = commit(
        START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser
    )
    daily = services.referrals_run_daily

    def run(day: int) -> dict[str, int]:
        mailoutbox.clear()
        return commit(START + timedelta(days=day, hours=-4), daily)  # the daily task runs at 6:00

    assert run(9)["reminders"] == 0
    assert run(10)["reminders"] == 1
    [reminder] = mailoutbox
    assert reminder.subject.startswith("[Orientation pour tous] Relance")
    assert reminder.to == ["accueil@ml-blois.example.org"]
    fresh = re.search(r"/orientation/recevoir/([\w-]+)/", reminder.body).group(1)
    with at(START + timedelta(days=10)):
        assert services.referral_by_receiver_token(fresh) == referral  # the reminder brings a new link
    assert run(11)["reminders"] == 0
    assert run(20)["reminders"] == 1
    assert run(29)["expired"] == 0
    counts = run(30)
    referral.refresh_from_db()
    assert counts["expired"] == 1
    assert referral.state == "expired"
    assert referral.reminders_sent == 2
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert (
        subjects["conseillere-cio@example.org"]
        == "[Orientation pour tous] Orientation sans réponse : " + referral.offer.name
    )
    assert "ines@example.org" in subjects
    assert [e.action for e in referral.events.all()] == ["sent", "reminded", "reminded", "expired"]
    assert referral.events.get(action="expired").actor == "la plateforme"


def test_attachments_are_purged_after_6_months_and_personal_data_after_2_years(town, commit):
    interview = commit(START, young_person, town=town)
    attachment = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv", content_type="application/pdf")
    referral, links = commit(
        START,
        services.referral_send,
        interview=interview,
        offer=town.offer,
        by_user=town.adviser,
        share=["name", "phone"],
        attachments=[attachment],
    )
    stored = referral.attachments.get().document
    commit(START + timedelta(days=1), services.referral_accept, referral=referral, actor=services.SECURE_LINK)
    closed = START + timedelta(days=1)
    assert commit(closed + timedelta(days=182), services.referrals_run_daily)["attachments_purged"] == 0
    assert commit(closed + timedelta(days=184), services.referrals_run_daily)["attachments_purged"] == 1
    referral.refresh_from_db()
    assert not referral.attachments.exists()
    assert not stored.storage.exists(stored.name)
    assert referral.first_name == "Inès"  # kept for 2 years
    assert commit(closed + timedelta(days=729), services.referrals_run_daily)["anonymised"] == 0
    counts = commit(closed + timedelta(days=731), services.referrals_run_daily)
    assert counts["anonymised"] == 1
    assert counts["interviews_anonymised"] == 1
    referral.refresh_from_db()
    interview.refresh_from_db()
    assert (referral.first_name, referral.phone, referral.request, referral.message) == ("", "", "", "")
    assert referral.anonymised_at is not None
    assert not interview.has_personal_data
    assert referral.state == "accepted"  # the figures keep the outcome
    assert services.referral_by_person_token(token_of(links.person)) is None
    assert commit(closed + timedelta(days=732), services.referrals_run_daily)["anonymised"] == 0


def test_an_offer_not_checked_for_6_months_is_reminded_once(town, mailoutbox, commit):
    from orientation.directory.models import ServiceOffer

    ServiceOffer.objects.update(last_checked_at=START)
    assert commit(START + timedelta(days=100), services.offers_remind_checks) == 0
    mailoutbox.clear()
    assert commit(START + timedelta(days=190), services.offers_remind_checks) >= 1
    mail = next(m for m in mailoutbox if m.to == ["admin-ml@example.org"])
    assert town.offer.name in mail.body
    assert commit(START + timedelta(days=191), services.offers_remind_checks) == 0
    commit(START + timedelta(days=192), services.offer_confirm, offer=town.offer, by_user=town.mission_locale_admin)
    town.offer.refresh_from_db()
    assert town.offer.last_checked_at == START + timedelta(days=192)
    with pytest.raises(PermissionDenied):
        services.offer_confirm(offer=town.offer, by_user=town.adviser)


def test_the_referral_is_not_half_sent_when_the_service_does_not_take_referrals(town):
    interview = young_person(town)
    town.offer.accepts_referrals = False
    town.offer.save()
    with pytest.raises(ValidationError, match="ne reçoit pas"):
        services.referral_send(interview=interview, offer=town.offer, by_user=town.adviser)
    assert not Referral.objects.exists()


def test_the_daily_command_says_what_it_did(town, commit):
    from tests.conftest import run_command

    interview = commit(START, young_person, town=town)
    commit(START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser)
    with at(START + timedelta(days=10, hours=-4)):
        output = run_command("referrals_daily")
    assert "1 relances, 0 orientations expirées" in output


def test_the_mails_read_as_written_in_their_templates(town, mailoutbox, commit):
    """The whole text, not a word of it: a template that loses a line or escapes « & » fails."""
    town.offer.name = "Accueil & orientation"
    town.offer.save()
    interview = commit(START, young_person, town=town)
    referral, links = commit(
        START, services.referral_send, interview=interview, offer=town.offer, by_user=town.adviser, message="Motivée."
    )
    to_service = next(m for m in mailoutbox if m.to == ["accueil@ml-blois.example.org"])
    assert to_service.subject == "[Orientation pour tous] Une personne vous est orientée : Accueil & orientation"
    lines = to_service.body.splitlines()
    assert lines[:3] == [
        "Bonjour,",
        "",
        f"{referral.sender_name} vous adresse une personne pour le service « Accueil & orientation ».",
    ]
    assert lines[4].startswith("Demande : ")
    assert lines[5].startswith("Public : ")
    assert lines[6:13] == [
        f"Commune : {referral.commune.name}.",
        "",
        "Le conseiller a joint un message, à lire avec la demande.",
        "",
        "Pour voir la demande et y répondre :",
        links.receiver,
        "Par sécurité, ce lien personnel ne s’ouvre que pendant 8 jours ; ouvert plus tard, il vous propose "
        "d’en recevoir un nouveau à cette adresse.",
    ]
    assert lines[13:] == [
        "",
        "Merci de répondre avant le 31 mars 2027 : sans réponse à cette date, la demande expire et le conseiller "
        "en est informé.",
        "",
        "— Orientation pour tous, service public de l’orientation",
    ]
    commit(START, services.referral_accept, referral=referral, actor=services.SECURE_LINK)
    to_adviser = mailoutbox[-2]
    assert to_adviser.body.splitlines()[2:6] == [
        "Le service « Accueil & orientation » a accepté la demande que vous lui avez adressée.",
        "",
        f"Suivi : {site_url('backoffice:referral', referral.pk)}",
        "",
    ]
    to_person = mailoutbox[-1]
    assert to_person.to == ["ines@example.org"]
    # The person did not send the request themselves: the mail tells them what happens next.
    assert to_person.body.splitlines()[2] == (
        f"Le service « Accueil & orientation » ({referral.receiver_organisation.name}) a accepté votre demande : "
        "il va vous contacter."
    )
