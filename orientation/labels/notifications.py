"""E-mails of the label's workflow: who hears of each step, sent once the step is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import emails, national_admins, organisation_admins, regional_staff
from orientation.labels.models import Application
from orientation.utils.mail import Mail, compose, send_after_commit

__all__ = ["Mail", "mail", "send_after_commit"]


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
    link = ("Le dossier et son historique", file_url(application)) if application is not None else None
    return compose(recipients, subject, *lines, link=link)
