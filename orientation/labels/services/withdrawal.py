"""Withdrawing a label: grounds, the organisation's answer within 30 days, the
CCREFP's opinion, the prefect's decision.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import RegionalRole, User
from orientation.labels import notifications, timeline
from orientation.labels.models import Application, Event, Label, Withdrawal
from orientation.labels.services.flow import FLOWS, _day, _move, _require
from orientation.utils.workflow import TransitionError


@transaction.atomic
def withdrawal_open(*, label: Label, by_user: User, grounds: str) -> Withdrawal:
    """The prefecture states which condition or clause is no longer met; the organisation has
    30 days to answer in writing."""
    application = label.application
    _require(by_user, RegionalRole.Role.PREFECTURE, application)
    if label.state != Label.State.ACTIVE:
        raise TransitionError(f"Le label n° {label.pk} n’est pas en vigueur.")
    if label.open_withdrawal() is not None:
        raise TransitionError(f"Une procédure de retrait du label n° {label.pk} est déjà en cours.")
    if not grounds.strip():
        raise ValidationError({"grounds": "Indiquez la condition ou la clause qui n’est plus remplie."})
    withdrawal = Withdrawal.objects.create(label=label, grounds=grounds.strip(), opened_on=timezone.localdate())
    Event.objects.create(
        application=application,
        label=label,
        withdrawal=withdrawal,
        at=timezone.now(),
        by=by_user,
        action="withdrawal_opened",
        to_state=withdrawal.state,
        note=withdrawal.grounds,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on
    notifications.send_after_commit(notifications.withdrawal_opened(withdrawal, due=due))
    return withdrawal


@transaction.atomic
def withdrawal_answer(*, withdrawal: Withdrawal, by_user: User | None, answer: str) -> None:
    """The organisation's written answer (``by_user`` None: the 30 days passed without one)."""
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    today = timezone.localdate()
    if by_user is None:
        due = timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on
        withdrawal.answered_on, note = due, f"Pas de réponse écrite au {_day(due)}."
    else:
        FLOWS[Withdrawal].check_actor(withdrawal, Withdrawal.State.AWAITING_OPINION, actor=by_user, subject=application)
        if not answer.strip():
            raise ValidationError({"answer": "Écrivez votre réponse aux motifs du retrait."})
        withdrawal.answer, withdrawal.answered_on, note = answer.strip(), today, answer.strip()
    _move(
        withdrawal,
        Withdrawal.State.AWAITING_OPINION,
        by=by_user,
        action="withdrawal_answered",
        note=note,
        application=application,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_OPINION, withdrawal.answered_on).due_on
    notifications.send_after_commit(notifications.withdrawal_answered(withdrawal, answer=note, due=due))


@transaction.atomic
def withdrawal_record_opinion(*, withdrawal: Withdrawal, by_user: User, opinion: str, reasons: str) -> None:
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    FLOWS[Withdrawal].require(withdrawal, Withdrawal.State.AWAITING_DECISION, actor=by_user, subject=application)
    if opinion not in (Application.Opinion.FAVOURABLE, Application.Opinion.UNFAVOURABLE):
        raise ValidationError({"opinion": "L’avis sur le retrait est favorable ou défavorable."})
    if not reasons.strip():
        raise ValidationError({"reasons": "L’avis sur un retrait est motivé."})
    withdrawal.opinion, withdrawal.opinion_reasons, withdrawal.opinion_on = (
        opinion,
        reasons.strip(),
        timezone.localdate(),
    )
    _move(
        withdrawal,
        Withdrawal.State.AWAITING_DECISION,
        by=by_user,
        action="withdrawal_opinion",
        note=f"{withdrawal.get_opinion_display()}. {withdrawal.opinion_reasons}",
        application=application,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_DECISION, withdrawal.opinion_on).due_on
    notifications.send_after_commit(notifications.withdrawal_opinion_given(withdrawal, due=due))


@transaction.atomic
def withdrawal_decide(*, withdrawal: Withdrawal, by_user: User, withdraw: bool, reasons: str) -> None:
    """The prefect withdraws the label (which ends it and the right to the logo) or keeps it."""
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    to_state = Withdrawal.State.WITHDRAWN if withdraw else Withdrawal.State.MAINTAINED
    FLOWS[Withdrawal].require(withdrawal, to_state, actor=by_user, subject=application)  # who, before what
    if not reasons.strip():
        raise ValidationError({"reasons": "La décision est motivée."})
    today = timezone.localdate()
    withdrawal.decided_on, withdrawal.decision_reasons = today, reasons.strip()
    _move(withdrawal, to_state, by=by_user, action="withdrawal_decided", note=reasons, application=application)
    if withdraw:
        label = Label.objects.select_for_update().get(pk=withdrawal.label_id)
        label.ended_on = today
        _move(label, Label.State.WITHDRAWN, by=by_user, action="label_withdrawn", note=reasons, application=application)
    notifications.send_after_commit(notifications.withdrawal_decided(withdrawal))
