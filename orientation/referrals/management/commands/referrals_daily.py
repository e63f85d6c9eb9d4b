"""Run the referrals' daily work now: reminders on days 10 and 20, expiry on day 30, purge of
attachments 6 months after a referral is closed, anonymisation 2 years after, and the offers
to check again. The worker runs it every morning; running it twice on a day does nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orientation.referrals.services import offers_remind_checks, referrals_run_daily

LABELS = {
    "reminders": "relances",
    "expired": "orientations expirées",
    "attachments_purged": "orientations dont les pièces ont été effacées",
    "anonymised": "orientations anonymisées",
    "interviews_anonymised": "entretiens anonymisés",
}


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        counts = referrals_run_daily()
        reminders = offers_remind_checks()
        summary = ", ".join(f"{counts[key]} {label}" for key, label in LABELS.items())
        self.stdout.write(
            f"Orientations, tâche quotidienne : {summary} ; {reminders} rappels de vérification des services."
        )
