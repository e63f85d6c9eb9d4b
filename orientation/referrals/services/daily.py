"""What the referral's clock does once a day: reminders on days 10 and 20, expiry on
day 30, attachments purged after 6 months and personal data after 2 years.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orientation.referrals import notifications
from orientation.referrals.models import Event, Interview, Referral, TextMessage
from orientation.referrals.rules import ATTACHMENTS_KEPT_DAYS, EXPIRY_DAYS, PERSONAL_DATA_KEPT_DAYS, REMINDER_DAYS
from orientation.referrals.services.flow import SYSTEM, _log_access, _move
from orientation.referrals.services.links import _receiver_link
from orientation.referrals.services.referrals import _erase_personal_data
from orientation.utils.mail import send_after_commit

logger = logging.getLogger(__name__)


def _expire(referral: Referral) -> None:
    referral.receiver_token_digest = ""
    _move(
        referral,
        Referral.State.EXPIRED,
        actor=SYSTEM,
        action="expired",
        note=f"Pas de réponse en {EXPIRY_DAYS} jours.",
    )
    send_after_commit(notifications.expired_mails(referral))


@transaction.atomic
def referrals_run_daily(*, now: datetime | None = None) -> dict[str, int]:
    """Remind receivers on days 10 and 20, expire on day 30 (telling the sender), purge
    attachments 6 months after a referral is closed and anonymise personal fields 2 years
    after. Running it twice on a day does nothing more."""
    now = now or timezone.now()
    counts = {"reminders": 0, "expired": 0, "attachments_purged": 0, "anonymised": 0, "interviews_anonymised": 0}
    waiting = Referral.objects.open().select_for_update(of=("self",)).select_related("offer", "receiver_organisation")
    today = timezone.localdate(now)
    for referral in waiting.filter(sent_at__lte=now - timedelta(days=REMINDER_DAYS[0] - 1)):
        # Days are counted on the calendar: sent on 1 March, reminded on 11 March, expired on 31 March.
        age = (today - timezone.localdate(referral.sent_at)).days
        if age >= EXPIRY_DAYS:
            _expire(referral)
            counts["expired"] += 1
        elif referral.reminders_sent < sum(1 for day in REMINDER_DAYS if age >= day):
            referral.reminders_sent += 1
            link = _receiver_link(referral)  # the first link has expired after 8 days
            referral.save(update_fields=["reminders_sent", "receiver_token_digest", "receiver_token_expires_at"])
            Event.objects.create(
                referral=referral,
                at=now,
                actor=SYSTEM.label,
                action="reminded",
                note=f"Relance n° {referral.reminders_sent} (jour {age})",
            )
            send_after_commit([notifications.receiver_mail(referral, link, reminder=referral.reminders_sent)])
            counts["reminders"] += 1
    closed = Referral.objects.filter(closed_at__isnull=False)
    for referral in closed.filter(
        closed_at__lte=now - timedelta(days=ATTACHMENTS_KEPT_DAYS), attachments_purged_at__isnull=True
    ):
        for attachment in referral.attachments.all():
            attachment.document.delete(save=False)
            attachment.delete()
        referral.attachments_purged_at = now
        referral.save(update_fields=["attachments_purged_at"])
        counts["attachments_purged"] += 1
    for referral in closed.filter(
        closed_at__lte=now - timedelta(days=PERSONAL_DATA_KEPT_DAYS), anonymised_at__isnull=True
    ):
        _erase_personal_data(referral)
        TextMessage.objects.filter(referral=referral).delete()
        referral.message = referral.request = referral.answer_message = ""
        referral.person_token_digest = ""
        referral.anonymised_at = now
        referral.save()
        _log_access(SYSTEM, "anonymise", referral=referral)
        counts["anonymised"] += 1
    limit = now - timedelta(days=PERSONAL_DATA_KEPT_DAYS)
    # An interview is anonymised once it is 2 years old and none of its referrals is open or
    # closed for less than 2 years.
    recent = Referral.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gt=limit)).values("interview_id")
    old = Interview.objects.filter(created_at__lte=limit, anonymised_at__isnull=True).exclude(pk__in=recent)
    counts["interviews_anonymised"] = old.update(
        first_name="", last_name="", email="", phone="", identifiers={}, request="", anonymised_at=now
    )
    TextMessage.objects.filter(created_at__lte=now - timedelta(days=ATTACHMENTS_KEPT_DAYS)).delete()
    logger.info("Orientations, tâche quotidienne : %s", ", ".join(f"{key} {value}" for key, value in counts.items()))
    return counts
