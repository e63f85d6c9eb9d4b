"""Background work of the referrals: the daily task and the sending to partner platforms."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from orientation.referrals.models import Referral
from orientation.referrals.services import offers_remind_checks, referral_forward, referrals_run_daily
from orientation.utils.tasks import enqueue_once, next_daily_run, queued_as

logger = logging.getLogger(__name__)


@task()
def referrals_daily() -> dict[str, int]:
    """Reminders, expiries, purges and anonymisation of the day, the offers to check; then
    tomorrow's run."""
    counts = referrals_run_daily()
    counts["offer_check_reminders"] = offers_remind_checks()
    ensure_referrals_daily()
    return counts


def ensure_referrals_daily() -> bool:
    return enqueue_once(referrals_daily, run_after=next_daily_run(timezone.now()))


@queued_as("referrals.forward")
@task()
def forward_referral(referral_id: int) -> bool:
    """Send a referral to the partner platform that receives for its service."""
    referral = Referral.objects.select_related("offer", "partner", "receiver_organisation").get(pk=referral_id)
    return referral_forward(referral)
