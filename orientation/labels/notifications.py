"""E-mails of the label's workflow: who hears of each step, sent once the step is committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import emails, national_admins, organisation_admins, regional_staff
from orientation.labels.models import Application

logger = logging.getLogger(__name__)

SIGNATURE = "— Orientation pour tous, service public de l’orientation"


@dataclass(frozen=True)
class Mail:
    recipients: list[str]
    subject: str
    body: str


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


def mail(recipients: Iterable[str], subject: str, *lines: str, application: Application | None = None) -> Mail:
    body = ["Bonjour,", "", *lines]
    if application is not None:
        body += ["", f"Le dossier et son historique : {file_url(application)}"]
    body += ["", SIGNATURE]
    return Mail(sorted(set(recipients)), f"[Orientation pour tous] {subject}", "\n".join(body))


def send_after_commit(mails: list[Mail]) -> None:
    """Send each mail once the transaction commits; a mail server that is down is logged and
    does not undo a step that is recorded (the back-office shows it, the daily task reminds)."""

    def send() -> None:
        messages = [EmailMessage(m.subject, m.body, None, m.recipients) for m in mails if m.recipients]
        if not messages:
            return
        try:
            get_connection().send_messages(messages)
        except OSError:
            logger.exception("Courriels du label non envoyés : %s", "; ".join(m.subject for m in mails))

    transaction.on_commit(send)
