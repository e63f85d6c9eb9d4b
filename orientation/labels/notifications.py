"""E-mails of the label's workflow: who hears of each step, written in the templates under
``templates/mail/labels/``, sent once the step is committed (``send_after_commit``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import emails, national_admins, organisation_admins, regional_staff
from orientation.labels import timeline
from orientation.labels.models import Application, Label, Withdrawal
from orientation.utils.mail import Mail, render, send_after_commit

__all__ = ["Mail", "send_after_commit"]


def applicant_emails(application: Application) -> list[str]:
    users = organisation_admins(application.applicant_organisation_ids())
    found = set(emails(users))
    if application.grouping_id and application.grouping and application.grouping.coordinator_contact:
        contact: User = application.grouping.coordinator_contact
        if contact.email:
            found.add(contact.email)
    return sorted(found)


def prefecture_emails(application: Application) -> list[str]:
    return emails(regional_staff(application.region_id, RegionalRole.Role.PREFECTURE))


def ccrefp_emails(application: Application) -> list[str]:
    return emails(regional_staff(application.region_id, RegionalRole.Role.CCREFP))


def national_emails() -> list[str]:
    return emails(national_admins())


def file_url(application: Application) -> str:
    return settings.SITE_URL + reverse("backoffice:label_application", args=[application.pk])


def _mail(name: str, recipients: Iterable[str], application: Application, **context: Any) -> Mail:
    """The mail ``mail/labels/<name>.txt`` about this file, with the link to the file."""
    link = ("Le dossier et son historique", file_url(application))
    return render(f"mail/labels/{name}.txt", {"application": application, **context}, recipients, link=link)


def submitted(application: Application, *, number: int, due: date) -> list[Mail]:
    return [
        _mail("submitted_prefecture", prefecture_emails(application), application, number=number, due=due),
        _mail("submitted_applicant", applicant_emails(application), application, number=number),
    ]


def returned(application: Application, *, reasons: str) -> list[Mail]:
    return [_mail("returned", applicant_emails(application), application, reasons=reasons)]


def transmitted(application: Application, *, due: date) -> list[Mail]:
    return [
        _mail("transmitted_ccrefp", ccrefp_emails(application), application, due=due),
        _mail("transmitted_applicant", applicant_emails(application), application, due=due),
    ]


def opinion_given(application: Application, *, decision_due: date) -> list[Mail]:
    """The prefecture has a decision to take; the applicant hears of the opinion."""
    mails = [
        _mail("opinion_prefecture", prefecture_emails(application), application, due=decision_due),
        _mail("opinion_applicant", applicant_emails(application), application),
    ]
    if application.opinion == Application.Opinion.DEEMED_UNFAVOURABLE:
        mails.append(_mail("opinion_deemed_ccrefp", ccrefp_emails(application), application))
    return mails


def _to_everyone_concerned(name: str, application: Application, **context: Any) -> list[Mail]:
    """A prefect's decision is notified to the applicant, the CCREFP and the national delegate."""
    return [
        _mail(name, recipients, application, **context)
        for recipients in (applicant_emails(application), ccrefp_emails(application), national_emails())
    ]


def decided(application: Application, *, label: Label | None) -> list[Mail]:
    return _to_everyone_concerned("decision", application, label=label)


def withdrawal_opened(withdrawal: Withdrawal, *, due: date) -> list[Mail]:
    application = withdrawal.label.application
    return [
        _mail(
            "withdrawal_opened_applicant", applicant_emails(application), application, withdrawal=withdrawal, due=due
        ),
        _mail("withdrawal_opened_ccrefp", ccrefp_emails(application), application, due=due),
    ]


def withdrawal_answered(withdrawal: Withdrawal, *, answer: str, due: date) -> list[Mail]:
    application = withdrawal.label.application
    return [_mail("withdrawal_answered_ccrefp", ccrefp_emails(application), application, answer=answer, due=due)]


def withdrawal_opinion_given(withdrawal: Withdrawal, *, due: date) -> list[Mail]:
    application = withdrawal.label.application
    return [
        _mail(
            "withdrawal_opinion_prefecture", prefecture_emails(application), application, withdrawal=withdrawal, due=due
        )
    ]


def withdrawal_decided(withdrawal: Withdrawal) -> list[Mail]:
    withdrawn = withdrawal.state == Withdrawal.State.WITHDRAWN
    return _to_everyone_concerned(
        "withdrawal_decision", withdrawal.label.application, withdrawal=withdrawal, withdrawn=withdrawn
    )


def _who_must_act(actor: timeline.Actor, application: Application) -> list[str]:
    if actor == timeline.Actor.PREFECTURE:
        return prefecture_emails(application)
    if actor == timeline.Actor.CCREFP:
        return ccrefp_emails(application)
    return applicant_emails(application)


def deadline_reminder(application: Application, deadline: timeline.Deadline, *, today: date) -> Mail:
    """Whoever must act hears that a step's deadline is near (amber) or passed (red)."""
    return _mail(
        "deadline",
        _who_must_act(deadline.rule.actor, application),
        application,
        deadline=deadline,
        late=deadline.urgency(today) == timeline.Urgency.LATE,
        what=str(deadline.rule.label),
        days_left=deadline.days_left(today),
    )


def renewal_reminder(label: Label) -> Mail:
    return _mail("renewal", applicant_emails(label.application), label.application, label=label)
