"""A grouping of three organisations walks from draft to granted label, then through renewal
and withdrawal, with the clock moved and every e-mail read off a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from orientation.accounts.models import RegionalRole, User
from orientation.labels import services
from orientation.labels.models import Application, Label, Withdrawal
from orientation.labels.services import TransitionError
from tests.labels.conftest import complete_file, grant_label, submit_file

PARIS = ZoneInfo("Europe/Paris")


def at(day: date, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=PARIS), tick=False)


def mails_to(received, address: str) -> list[str]:
    return [mail.subject for mail in received if address in mail.recipients]


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """Run one step on a given day, sending what it sends after commit."""

    def run(day: date, action, **kwargs):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


def test_a_grouping_goes_from_draft_to_label_then_renewal_and_withdrawal(world, grouping, smtp_server, step):
    centre = world.centre
    coordinator, prefect, ccrefp = centre.admins[0], centre.prefecture, centre.ccrefp
    start = date(2027, 3, 1)

    with at(start):
        application = services.application_create(by_user=coordinator, grouping=grouping)
        with pytest.raises(ValidationError) as missing:
            services.application_submit(application=application, by_user=coordinator)
        assert set(missing.value.message_dict) == {
            "sites",
            "services",
            "convention",
            "commitments",
            "territory",
            "needs_analysis",
        }
        complete_file(application, centre, coordinator)
    assert application.state == Application.State.DRAFT

    version = step(start, services.application_submit, application=application, by_user=coordinator)
    application.refresh_from_db()
    assert (application.state, application.submitted_on, version.number) == ("submitted", start, 1)
    assert [site["name"] for site in version.content["sites"]] == [place.name for place in centre.places[:3]]
    assert version.content["convention"]["signatories"][0].startswith("Mme Martin")
    assert mails_to(smtp_server, prefect.email) == [
        "[Orientation pour tous] Nouvelle demande de label : Orientation en Loir-et-Cher"
    ]
    assert "au plus tard le 9 mars 2027" in smtp_server[0].body
    assert mails_to(smtp_server, coordinator.email) == ["[Orientation pour tous] Votre demande de label est déposée"]

    # The file is frozen: the draft services refuse to change it, and the CCREFP cannot act yet.
    with pytest.raises(PermissionDenied):
        services.application_set_territory(
            application=application,
            by_user=coordinator,
            living_areas=[],
            employment_zones=[],
            communes=[],
            needs_analysis="",
        )
    with pytest.raises(TransitionError):
        step(
            start,
            services.application_record_opinion,
            application=application,
            by_user=ccrefp,
            opinion="favourable",
            reasons="",
        )
    with pytest.raises(PermissionDenied):
        step(start, services.application_transmit, application=application, by_user=world.loire.prefecture)

    transmitted = date(2027, 3, 5)
    step(transmitted, services.application_transmit, application=application, by_user=prefect)
    assert "au plus tard le 4 avril 2027" in next(m for m in smtp_server if ccrefp.email in m.recipients).body
    with at(date(2027, 3, 20)):
        services.application_record_hearing(
            application=application, by_user=ccrefp, held_on=date(2027, 3, 20), attendees="Mme Martin, M. Petit"
        )
        services.application_declare_interest(application=application, by_user=ccrefp, member=centre.member)
    step(
        date(2027, 3, 25),
        services.application_record_opinion,
        application=application,
        by_user=ccrefp,
        opinion="favourable",
        reasons="Dossier conforme au cahier des charges.",
    )
    application.refresh_from_db()
    assert application.current_deadline().due_on == date(2027, 4, 14)
    assert "Exclus de l’avis pour intérêt personnel : membre-24." in application.events.get(action="opinion").note

    label = step(
        date(2027, 4, 2), services.application_decide, application=application, by_user=prefect, grant=True, reasons=""
    )
    assert (label.granted_on, label.expires_on, label.state) == (date(2027, 4, 2), date(2032, 4, 2), "active")
    decision = "[Orientation pour tous] Décision sur le label : Orientation en Loir-et-Cher — attribué"
    for party in (coordinator, ccrefp, world.national):
        assert decision in mails_to(smtp_server, party.email), party
    assert "du 2 avril 2027 au 2 avril 2032" in next(m for m in smtp_server if m.subject == decision).body
    with pytest.raises(TransitionError):
        step(
            date(2027, 4, 3),
            services.application_decide,
            application=application,
            by_user=prefect,
            grant=False,
            reasons="Second avis",
        )

    # Renewal: closed until 3 months before expiry; the daily task reminds the coordinator once it opens.
    with at(date(2031, 12, 1)), pytest.raises(ValidationError, match="2 janvier 2032"):
        services.application_create(by_user=coordinator, grouping=grouping, renewal_of=label)
    smtp_server.clear()
    counts = step(date(2032, 1, 2), services.labels_run_daily)
    assert counts["renewal_reminders"] == 1
    assert mails_to(smtp_server, coordinator.email) == [
        "[Orientation pour tous] Renouvellement de votre label « Orientation pour tous »"
    ]
    assert step(date(2032, 1, 3), services.labels_run_daily)["renewal_reminders"] == 0  # once, not every day
    with at(date(2032, 1, 10)):
        renewal = services.application_create(by_user=coordinator, grouping=grouping, renewal_of=label)
    assert renewal.kind == "renewal"
    assert renewal.sites.count() == 3
    assert renewal.needs_analysis
    step(date(2032, 1, 10), services.application_submit, application=renewal, by_user=coordinator)
    step(date(2032, 1, 12), services.application_transmit, application=renewal, by_user=prefect)
    step(
        date(2032, 2, 1),
        services.application_record_opinion,
        application=renewal,
        by_user=ccrefp,
        opinion="favourable",
        reasons="",
    )
    new_label = step(
        date(2032, 2, 10), services.application_decide, application=renewal, by_user=prefect, grant=True, reasons=""
    )
    label.refresh_from_db()
    assert (label.state, label.ended_on) == ("renewed", date(2032, 2, 10))
    assert new_label.expires_on == date(2037, 2, 10)

    # Withdrawal: grounds, no written answer within 30 days, committee opinion, decision.
    smtp_server.clear()
    withdrawal = step(
        date(2033, 5, 2),
        services.withdrawal_open,
        label=new_label,
        by_user=prefect,
        grounds="Le site de Vendôme n’assure plus l’accueil sans rendez-vous.",
    )
    assert "jusqu’au 1 juin 2033" in next(m for m in smtp_server if coordinator.email in m.recipients).body
    assert step(date(2033, 6, 1), services.labels_run_daily)["unanswered_withdrawals"] == 0
    assert step(date(2033, 6, 2), services.labels_run_daily)["unanswered_withdrawals"] == 1
    withdrawal.refresh_from_db()
    assert (withdrawal.state, withdrawal.answered_on) == ("awaiting_opinion", date(2033, 6, 1))
    step(
        date(2033, 6, 20),
        services.withdrawal_record_opinion,
        withdrawal=withdrawal,
        by_user=ccrefp,
        opinion="favourable",
        reasons="Condition d’accueil non remplie.",
    )
    smtp_server.clear()
    step(
        date(2033, 7, 1),
        services.withdrawal_decide,
        withdrawal=withdrawal,
        by_user=prefect,
        withdraw=True,
        reasons="Accueil sans rendez-vous supprimé.",
    )
    new_label.refresh_from_db()
    assert (new_label.state, new_label.ended_on) == (Label.State.WITHDRAWN, date(2033, 7, 1))
    assert not Label.objects.active(date(2033, 7, 2)).exists()
    withdrawn = "[Orientation pour tous] Décision sur le retrait du label : Orientation en Loir-et-Cher"
    for party in (coordinator, ccrefp, world.national):
        assert mails_to(smtp_server, party.email) == [withdrawn], party
    assert "L’usage du logo « Orientation pour tous » prend fin" in smtp_server[0].body

    trail = list(renewal.events.values_list("action", flat=True))
    assert trail == [
        "created",
        "submitted",
        "transmitted",
        "opinion",
        "granted",
        "label_granted",
        "withdrawal_opened",
        "withdrawal_answered",
        "withdrawal_opinion",
        "withdrawal_decided",
        "label_withdrawn",
    ]
    assert Withdrawal.objects.get().events.filter(by__isnull=True).get().action == "withdrawal_answered"


def test_without_an_opinion_the_daily_task_records_it_deemed_unfavourable_on_day_31(world, grouping, smtp_server, step):
    centre = world.centre
    application = submit_file(centre, grouping, date(2027, 3, 1))
    step(date(2027, 3, 1), services.application_transmit, application=application, by_user=centre.prefecture)

    assert step(date(2027, 3, 31), services.labels_run_daily)["deemed_opinions"] == 0  # day 30: still in time
    application.refresh_from_db()
    assert application.state == "transmitted"
    assert application.current_deadline().urgency(date(2027, 3, 31)) == "soon"

    smtp_server.clear()
    counts = step(date(2027, 4, 1), services.labels_run_daily)  # day 31, nobody acting
    application.refresh_from_db()
    assert counts["deemed_opinions"] == 1
    assert (application.state, application.opinion, application.opinion_on) == (
        "opinion_given",
        "deemed",
        date(2027, 3, 31),
    )
    assert application.current_deadline().due_on == date(2027, 4, 20)
    event = application.events.get(action="opinion_deemed")
    assert event.by is None
    assert "réputé défavorable" in event.note
    subjects = mails_to(smtp_server, centre.prefecture.email)
    assert subjects == ["[Orientation pour tous] Décision à prendre : label de Orientation en Loir-et-Cher"]
    assert step(date(2027, 4, 2), services.labels_run_daily)["deemed_opinions"] == 0  # recorded once


def test_reminders_go_to_who_must_act_when_a_step_turns_amber_then_red(world, grouping, smtp_server, step):
    centre = world.centre
    submit_file(centre, grouping, date(2027, 3, 1))
    smtp_server.clear()
    assert step(date(2027, 3, 6), services.labels_run_daily)["reminders"] == 0  # due 9 March: 3 days left
    assert step(date(2027, 3, 7), services.labels_run_daily)["reminders"] == 1  # amber
    assert step(date(2027, 3, 8), services.labels_run_daily)["reminders"] == 0  # once per colour
    assert step(date(2027, 3, 10), services.labels_run_daily)["reminders"] == 1  # red
    step_name = "Transmettre le dossier complet au CCREFP — Orientation en Loir-et-Cher"
    assert mails_to(smtp_server, centre.prefecture.email) == [
        f"[Orientation pour tous] Échéance proche : {step_name}",
        f"[Orientation pour tous] En retard : {step_name}",
    ]
    assert mails_to(smtp_server, centre.ccrefp.email) == []


def test_a_label_expires_after_five_years_without_renewal(world, grouping, step):
    label = grant_label(world.centre, grouping, date(2027, 3, 4))
    assert step(date(2032, 3, 3), services.labels_run_daily)["expired"] == 0
    assert step(date(2032, 3, 4), services.labels_run_daily)["expired"] == 1
    label.refresh_from_db()
    assert (label.state, label.ended_on) == ("expired", date(2032, 3, 4))


def test_steps_refuse_what_the_rules_forbid(world, grouping, step):
    centre = world.centre
    with at(date(2027, 3, 1)):
        application = services.application_create(by_user=centre.admins[0], grouping=grouping)
        complete_file(application, centre, centre.admins[0])
        # A member who is not an admin, another region's admin: no draft for them.
        with pytest.raises(PermissionDenied):
            services.application_create(
                by_user=centre.member, organisation=centre.organisations[0], region=centre.region
            )
        with pytest.raises(PermissionDenied):
            services.application_set_sites(
                application=application, by_user=world.loire.admins[0], sites=[], services=[]
            )
        with pytest.raises(ValidationError, match="Accueil de Nantes"):
            services.application_set_sites(
                application=application, by_user=centre.admins[0], sites=world.loire.places[:1], services=[]
            )
    step(date(2027, 3, 1), services.application_submit, application=application, by_user=centre.admins[0])
    step(date(2027, 3, 2), services.application_transmit, application=application, by_user=centre.prefecture)
    with at(date(2027, 3, 3)):
        services.application_declare_interest(application=application, by_user=centre.ccrefp, member=centre.ccrefp)
        with pytest.raises(PermissionDenied, match="intérêt personnel"):
            services.application_record_opinion(
                application=application, by_user=centre.ccrefp, opinion="favourable", reasons=""
            )
        # Another region's CCREFP is refused for who it is, before anything it sent is read.
        with pytest.raises(PermissionDenied, match="ne relève pas de votre rôle"):
            services.application_record_opinion(
                application=application, by_user=world.loire.ccrefp, opinion="unfavourable", reasons=" "
            )
        # A member of this CCREFP, without an interest, is told what the opinion lacks.
        colleague = User.objects.create_user(username="ccrefp-centre-2", email="ccrefp-centre-2@example.org")
        RegionalRole.objects.create(user=colleague, region=centre.region, role=RegionalRole.Role.CCREFP)
        with pytest.raises(ValidationError, match="motivé"):
            services.application_record_opinion(
                application=application, by_user=colleague, opinion="unfavourable", reasons=" "
            )
    application.refresh_from_db()
    assert application.state == "transmitted"
    assert application.opinion == ""


def test_a_convention_must_be_a_pdf(world, grouping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="n’est pas un PDF"):
        services.convention_add(
            by_user=world.centre.admins[0],
            grouping=grouping,
            signatories="Mme Martin",
            document=SimpleUploadedFile("convention.pdf", b"<html>"),
            signed_on=date(2026, 1, 1),
        )
    assert not grouping.conventions.exists()


def test_a_refusal_states_its_reasons(world, grouping, step):
    centre = world.centre
    application = submit_file(centre, grouping, date(2027, 3, 1))
    step(date(2027, 3, 2), services.application_transmit, application=application, by_user=centre.prefecture)
    step(
        date(2027, 3, 3),
        services.application_record_opinion,
        application=application,
        by_user=centre.ccrefp,
        opinion="unfavourable",
        reasons="Pas d’accueil sans rendez-vous.",
    )
    with pytest.raises(ValidationError, match="motivé"):
        step(
            date(2027, 3, 4),
            services.application_decide,
            application=application,
            by_user=centre.prefecture,
            grant=False,
            reasons="",
        )
    step(
        date(2027, 3, 4),
        services.application_decide,
        application=application,
        by_user=centre.prefecture,
        grant=False,
        reasons="Avis défavorable du CCREFP.",
    )
    application.refresh_from_db()
    assert application.state == "refused"
    assert not Label.objects.exists()
    assert application.instruction_days() == 3


def test_the_decision_mails_read_as_written_in_their_templates(world, grouping, mailoutbox, step):
    """Whole texts: a template that loses a line, a date or a reason fails here."""
    centre = world.centre
    day = date(2027, 3, 1)
    application = submit_file(centre, grouping, day)
    step(day, services.application_transmit, application=application, by_user=centre.prefecture)
    step(
        day,
        services.application_record_opinion,
        application=application,
        by_user=centre.ccrefp,
        opinion="unfavourable",
        reasons="Pas de permanence le samedi.",
    )
    mailoutbox.clear()
    step(date(2027, 3, 8), services.application_decide, application=application, by_user=centre.prefecture,
         grant=True, reasons="Engagements tenus.")  # fmt: skip
    assert len(mailoutbox) == 3  # the applicant, the CCREFP, the national delegate
    decision = mailoutbox[0]
    assert (
        decision.subject == f"[Orientation pour tous] Décision sur le label : {application.applicant_name} — attribué"
    )
    body = decision.body.splitlines()
    assert body[:7] == [
        "Bonjour,",
        "",
        "Le préfet de région attribue le label « Orientation pour tous » du 8 mars 2027 au 8 mars 2032 à "
        f"{application.applicant_name}.",
        "",
        "Motifs :",
        "Engagements tenus.",
        "",
    ]
    assert body[7].startswith("Le dossier et son historique : http")
    assert body[7].endswith(f"/{application.pk}/")
    label = Label.objects.get(application=application)
    step(date(2028, 1, 10), services.withdrawal_open, label=label, by_user=centre.prefecture, grounds="Site fermé.")
    opened = next(m for m in mailoutbox if m.subject.endswith("Procédure de retrait de votre label"))
    assert opened.body.splitlines()[2:7] == [
        "Le préfet de région engage une procédure de retrait du label « Orientation pour tous » :",
        "Site fermé.",
        "",
        "Vous pouvez y répondre par écrit jusqu’au 9 février 2028.",
        "",
    ]
