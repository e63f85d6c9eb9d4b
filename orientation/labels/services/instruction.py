"""The region's side of a file: the prefecture returns or transmits it, the CCREFP
hears and gives its opinion (deemed unfavourable after 30 days), the prefect decides.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import RegionalRole, User
from orientation.labels import notifications, timeline
from orientation.labels.models import Application, Hearing, Label
from orientation.labels.services.flow import FLOWS, _day, _move, _note, _require
from orientation.utils.workflow import TransitionError


@transaction.atomic
def application_return(*, application: Application, by_user: User, reasons: str) -> None:
    """The prefecture sends an incomplete file back to the applicant, saying what is missing."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    FLOWS[Application].require(application, Application.State.DRAFT, actor=by_user)  # who, before what
    if not reasons.strip():
        raise ValidationError({"reasons": "Dites ce qui manque au dossier."})
    application.submitted_on = None
    _move(application, Application.State.DRAFT, by=by_user, action="returned", note=reasons, application=application)
    notifications.send_after_commit(notifications.returned(application, reasons=reasons.strip()))


@transaction.atomic
def application_transmit(*, application: Application, by_user: User) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.transmitted_on = timezone.localdate()
    _move(application, Application.State.TRANSMITTED, by=by_user, action="transmitted", application=application)
    due = timeline.deadline(timeline.Step.OPINION, application.transmitted_on).due_on
    notifications.send_after_commit(notifications.transmitted(application, due=due))


@transaction.atomic
def application_record_hearing(
    *, application: Application, by_user: User, held_on: date, attendees: str, notes: str = ""
) -> Hearing:
    application = Application.objects.get(pk=application.pk)
    _require(by_user, RegionalRole.Role.CCREFP, application)
    if application.state != Application.State.TRANSMITTED:
        raise TransitionError("Une audition se tient pendant l’examen du dossier par le CCREFP.")
    if not attendees.strip():
        raise ValidationError({"attendees": "Indiquez les personnes entendues."})
    hearing = Hearing.objects.create(application=application, held_on=held_on, attendees=attendees, notes=notes)
    _note(application, by_user, "hearing", f"Audition du {_day(held_on)} : {attendees.strip()}")
    return hearing


@transaction.atomic
def application_declare_interest(*, application: Application, by_user: User, member: User) -> None:
    """A committee member with a personal interest in the file is excluded from its opinion."""
    _require(by_user, RegionalRole.Role.CCREFP, application)
    application.interested_members.add(member)
    _note(application, by_user, "interest_declared", f"{member} : intérêt personnel, exclu(e) de l’avis")


@transaction.atomic
def application_record_opinion(*, application: Application, by_user: User, opinion: str, reasons: str) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    FLOWS[Application].require(application, Application.State.OPINION_GIVEN, actor=by_user)  # who, before what
    if opinion not in (Application.Opinion.FAVOURABLE, Application.Opinion.UNFAVOURABLE):
        raise ValidationError({"opinion": "L’avis est favorable ou défavorable."})
    if opinion == Application.Opinion.UNFAVOURABLE and not reasons.strip():
        raise ValidationError({"reasons": "Un avis défavorable est motivé."})
    if application.interested_members.filter(pk=by_user.pk).exists():
        raise PermissionDenied("Vous avez déclaré un intérêt personnel dans ce dossier : vous êtes exclu(e) de l’avis.")
    application.opinion, application.opinion_reasons = opinion, reasons.strip()
    application.opinion_on = timezone.localdate()
    excluded = [str(member) for member in application.interested_members.all()]
    note = f"{application.get_opinion_display()}. {application.opinion_reasons}".strip()
    if excluded:
        note += " Exclus de l’avis pour intérêt personnel : " + ", ".join(excluded) + "."
    _move(
        application, Application.State.OPINION_GIVEN, by=by_user, action="opinion", note=note, application=application
    )
    decision_due = timeline.deadline(timeline.Step.DECISION, application.opinion_on).due_on
    notifications.send_after_commit(notifications.opinion_given(application, decision_due=decision_due))


def _record_deemed_opinion(application: Application) -> None:
    """The CCREFP's silence at the end of its 30 days: the opinion is deemed unfavourable, given
    on the last day of the period, from which the prefect's 20 days run."""
    assert application.transmitted_on is not None
    due = timeline.deadline(timeline.Step.OPINION, application.transmitted_on).due_on
    application.opinion = Application.Opinion.DEEMED_UNFAVOURABLE
    application.opinion_reasons = f"Pas d’avis du CCREFP au {_day(due)} : l’avis est réputé défavorable."
    application.opinion_on = due
    _move(
        application,
        Application.State.OPINION_GIVEN,
        by=None,
        action="opinion_deemed",
        note=application.opinion_reasons,
        application=application,
    )
    decision_due = timeline.deadline(timeline.Step.DECISION, due).due_on
    notifications.send_after_commit(notifications.opinion_given(application, decision_due=decision_due))


@transaction.atomic
def application_decide(*, application: Application, by_user: User, grant: bool, reasons: str) -> Label | None:
    """The prefect grants the label or refuses it with reasons; the applicant, the CCREFP and
    the national administrator are notified."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    to_state = Application.State.GRANTED if grant else Application.State.REFUSED
    FLOWS[Application].require(application, to_state, actor=by_user)  # who, before what
    if not grant and not reasons.strip():
        raise ValidationError({"reasons": "Un refus est motivé."})
    today = timezone.localdate()
    application.decided_on, application.decision_reasons = today, reasons.strip()
    _move(
        application,
        to_state,
        by=by_user,
        action="granted" if grant else "refused",
        note=reasons,
        application=application,
    )
    label = None
    if grant:
        label = Label.objects.create(
            application=application,
            region=application.region,
            granted_on=today,
            expires_on=timeline.label_expires_on(today),
        )
        _note(application, by_user, "label_granted", f"Label en vigueur jusqu’au {_day(label.expires_on)}")
        if application.renewal_of is not None:
            previous = Label.objects.select_for_update().get(pk=application.renewal_of.pk)
            previous.ended_on = today
            _move(
                previous,
                Label.State.RENEWED,
                by=by_user,
                action="renewed",
                application=previous.application,
                note=f"Renouvelé par le label n° {label.pk}",
            )
    notifications.send_after_commit(notifications.decided(application, label=label))
    return label
