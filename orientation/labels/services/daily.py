"""What the statutory clock does by itself, once a day (``labels_daily``, the worker)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from orientation.labels import notifications, timeline
from orientation.labels.models import Application, Label, Reminder, Withdrawal
from orientation.labels.notifications import Mail
from orientation.labels.services.flow import _day, _move
from orientation.labels.services.instruction import _record_deemed_opinion
from orientation.labels.services.withdrawal import withdrawal_answer


def _remind_once(key: str, mails: list[Mail]) -> bool:
    _, created = Reminder.objects.get_or_create(key=key, defaults={"sent_at": timezone.now()})
    if created:
        notifications.send_after_commit(mails)
    return created


def _remind_deadline(prefix: str, deadline: timeline.Deadline, application: Application, today: date) -> int:
    urgency = deadline.urgency(today)
    if urgency == timeline.Urgency.ON_TIME:
        return 0
    key = f"{prefix}:{deadline.step}:{deadline.started_on.isoformat()}:{urgency}"
    sent = _remind_once(key, [notifications.deadline_reminder(application, deadline, today=today)])
    return int(sent)


@transaction.atomic
def labels_run_daily(*, today: date | None = None) -> dict[str, int]:
    """What the statutory clock does by itself, once a day: record the CCREFP's deemed opinions
    and the withdrawal answers that never came, remind whoever must act when a step turns amber
    or red, open renewals (reminding the coordinator) and end expired labels. Running it twice
    on a day does nothing more."""
    today = today or timezone.localdate()
    counts = {"deemed_opinions": 0, "unanswered_withdrawals": 0, "reminders": 0, "renewal_reminders": 0, "expired": 0}
    waiting = Application.objects.select_for_update(of=("self",)).filter(state=Application.State.TRANSMITTED)
    for application in waiting.select_related("region", "grouping", "grouping__coordinator_contact"):
        assert application.transmitted_on is not None
        if timeline.opinion_is_deemed_unfavourable(application.transmitted_on, today):
            _record_deemed_opinion(application)
            counts["deemed_opinions"] += 1
    for withdrawal in Withdrawal.objects.filter(state=Withdrawal.State.AWAITING_ANSWER):
        if today > timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on:
            withdrawal_answer(withdrawal=withdrawal, by_user=None, answer="")
            counts["unanswered_withdrawals"] += 1
    open_states = [Application.State.SUBMITTED, Application.State.TRANSMITTED, Application.State.OPINION_GIVEN]
    for application in Application.objects.filter(state__in=open_states).select_related("grouping"):
        deadline = application.current_deadline()
        if deadline is not None:
            counts["reminders"] += _remind_deadline(f"application:{application.pk}", deadline, application, today)
    for withdrawal in Withdrawal.objects.filter(
        state__in=[
            Withdrawal.State.AWAITING_ANSWER,
            Withdrawal.State.AWAITING_OPINION,
            Withdrawal.State.AWAITING_DECISION,
        ]
    ).select_related("label__application"):
        deadline = withdrawal.current_deadline()
        if deadline is not None:
            counts["reminders"] += _remind_deadline(
                f"withdrawal:{withdrawal.pk}", deadline, withdrawal.label.application, today
            )
    for label in Label.objects.filter(state=Label.State.ACTIVE).with_renewal_state().select_related("application"):
        application = label.application
        if today >= label.expires_on:
            label.ended_on = label.expires_on
            _move(
                label,
                Label.State.EXPIRED,
                by=None,
                action="label_expired",
                application=application,
                note=f"Label arrivé à échéance le {_day(label.expires_on)}",
            )
            counts["expired"] += 1
            continue
        if today >= label.renewal_opens_on and not label.renewal_in_progress():
            reminded = _remind_once(
                f"label:{label.pk}:renewal:{(label.expires_on - today).days // 30}",
                [notifications.renewal_reminder(label)],
            )
            counts["renewal_reminders"] += int(reminded)
    return counts
