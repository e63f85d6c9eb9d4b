"""Service offers kept up to date by their organisation, confirmed every six months."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.directory.models import ServiceOffer
from orientation.referrals import notifications
from orientation.referrals.rules import OFFER_CHECK_DAYS
from orientation.utils.mail import send_after_commit


@transaction.atomic
def offer_update(*, offer: ServiceOffer, by_user: User, fields: dict[str, Any]) -> ServiceOffer:
    """An organisation admin updates its offer: it becomes declared, and checked today."""
    offer = ServiceOffer.objects.editable_by(by_user).select_for_update().filter(pk=offer.pk).first()  # type: ignore[assignment]
    if offer is None:
        raise PermissionDenied("Cette offre n’est pas celle d’une organisation que vous administrez.")
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.origin = ServiceOffer.Origin.DECLARED
    offer.last_checked_at = timezone.now()
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_confirm(*, offer: ServiceOffer, by_user: User) -> None:
    """The organisation confirms its offer is up to date as it is."""
    if not ServiceOffer.objects.editable_by(by_user).filter(pk=offer.pk).exists():
        raise PermissionDenied("Cette offre n’est pas celle d’une organisation que vous administrez.")
    ServiceOffer.objects.filter(pk=offer.pk).update(last_checked_at=timezone.now())


@transaction.atomic
def offers_remind_checks(*, now: datetime | None = None) -> int:
    """Ask each organisation, once every 6 months, to confirm or update the offers not checked
    for 6 months. Returns the number of e-mails."""
    from orientation.accounts.selectors import emails, organisation_admins

    now = now or timezone.now()
    limit = now - timedelta(days=OFFER_CHECK_DAYS)
    stale = ServiceOffer.objects.filter(origin=ServiceOffer.Origin.DECLARED).exclude(last_checked_at__gt=limit)
    stale = stale.exclude(check_reminded_at__gt=limit)
    by_organisation: dict[int, list[ServiceOffer]] = {}
    for offer in stale.select_related("organisation"):
        by_organisation.setdefault(offer.organisation_id, []).append(offer)
    mails = []
    for organisation_id, offers in by_organisation.items():
        recipients = emails(organisation_admins({organisation_id})) or [offers[0].organisation.email]
        mails.append(notifications.offers_to_check_mail(offers[0].organisation, offers, [r for r in recipients if r]))
        ServiceOffer.objects.filter(pk__in=[offer.pk for offer in offers]).update(check_reminded_at=now)
    send_after_commit(mails)
    return len(mails)
