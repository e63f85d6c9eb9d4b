"""What the statutory clock does by itself, once a day (``labels_daily``, the worker)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from orientation.labels import notifications, timeline
from orientation.labels.models import Application, Label, Reminder, Withdrawal
from orientation.labels.notifications import Mail, mail
from orientation.labels.services.flow import _day, _move
from orientation.labels.services.instruction import _record_deemed_opinion
from orientation.labels.services.withdrawal import withdrawal_answer


def _remind_once(key: str, mails: list[Mail]) -> bool:
    _, created = Reminder.objects.get_or_create(key=key, defaults={"sent_at": timezone.now()})
    if created:
        notifications.send_after_commit(mails)
    return created


def _who_must_act(actor: timeline.Actor, application: Application) -> list[str]:
    if actor == timeline.Actor.PREFECTURE:
        return notifications.prefecture_emails(application)
    if actor == timeline.Actor.CCREFP:
        return notifications.ccrefp_emails(application)
    return notifications.applicant_emails(application)


def _remind_deadline(prefix: str, deadline: timeline.Deadline, application: Application, today: date) -> int:
    urgency = deadline.urgency(today)
    if urgency == timeline.Urgency.ON_TIME:
        return 0
    late = urgency == timeline.Urgency.LATE
    what = str(deadline.rule.label)
    subject = f"{'En retard' if late else 'Échéance proche'} : {what} — {application.applicant_name}"
    line = (
        f"L’échéance du {_day(deadline.due_on)} est dépassée : {what.lower()}."
        if late
        else f"{what} au plus tard le {_day(deadline.due_on)} ({deadline.days_left(today)} jour(s))."
    )
    key = f"{prefix}:{deadline.step}:{deadline.started_on.isoformat()}:{urgency}"
    sent = _remind_once(
        key, [mail(_who_must_act(deadline.rule.actor, application), subject, line, application=application)]
    )
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
                [
                    mail(
                        notifications.applicant_emails(application),
                        "Renouvellement de votre label « Orientation pour tous »",
                        f"Votre label expire le {_day(label.expires_on)}. Sa demande de renouvellement est ouverte "
                        "depuis le " + _day(label.renewal_opens_on) + " : elle se dépose comme une première "
                        "demande, à partir du dossier qui a été labellisé.",
                        application=application,
                    )
                ],
            )
            counts["renewal_reminders"] += int(reminded)
    return counts
