"""Reads of the phone platform: the adviser's day, the interaction log, the statistics."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from orientation.contact.codelists import Action, Need, Profile
from orientation.contact.models import Callback, CallbackQuerySet, Interaction, InteractionQuerySet


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def callbacks_of_the_day(day: date) -> CallbackQuerySet:
    """Callbacks still to make by the end of that day (late ones first, then those to make as
    soon as possible, which have no time), with their contact."""
    return (
        Callback.objects.filter(state=Callback.State.SCHEDULED)
        .filter(Q(scheduled_for__lt=_end_of(day)) | Q(scheduled_for__isnull=True))
        .select_related("interaction", "queue", "assigned_to")
        .order_by(F("scheduled_for").asc(nulls_last=True), "pk")
    )


def callbacks_ahead(day: date, days: int = 7) -> CallbackQuerySet:
    """Callbacks planned for the ``days`` after that day, so that advisers see what comes."""
    return (
        Callback.objects.filter(
            state=Callback.State.SCHEDULED,
            scheduled_for__gte=_end_of(day),
            scheduled_for__lt=_end_of(day + timedelta(days=days)),
        )
        .select_related("interaction", "queue", "assigned_to")
        .order_by("scheduled_for", "pk")
    )


def open_tasks() -> InteractionQuerySet:
    """Documented answers promised within 72 hours and not given yet, the most urgent first."""
    return Interaction.objects.filter(outcome=Interaction.Outcome.TASK, task_done_at__isnull=True).order_by(
        "task_due_at"
    )


@dataclass(frozen=True)
class Statistics:
    since: date
    until: date
    total: int
    per_day: list[tuple[date, int]]
    callbacks_per_day: list[tuple[date, int]]
    by_profile: list[tuple[str, str, int]]
    by_need: list[tuple[str, str, int]]
    by_action: list[tuple[str, str, int]]
    by_partner: list[tuple[str, int]]
    by_channel: dict[str, int]
    first_level_share: float
    forwarded_share: float
    callback_share: float
    #: minutes from the request to the callback made, in the median
    callback_delay_minutes: float | None
    callbacks_done: int


def _counted(counter: Counter[str], labels: dict[str, str]) -> list[tuple[str, str, int]]:
    return [(code, labels.get(code, code), counter[code]) for code in labels if counter[code]] + [
        (code, code, count) for code, count in counter.items() if code not in labels and count
    ]


def interaction_statistics(*, since: date, until: date) -> Statistics:
    """Calls and callbacks of those days (Paris calendar), by day, profile, need, decision,
    partner and channel; shares answered at first level and forwarded; the callback delay."""
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    rows = list(
        Interaction.objects.filter(at__gte=start, at__lt=end).values_list(
            "at", "profile", "need", "action", "queue__name", "channel"
        )
    )
    days = [since + timedelta(days=offset) for offset in range((until - since).days + 1)]
    per_day: Counter[date] = Counter()
    callbacks: Counter[date] = Counter()
    profiles: Counter[str] = Counter()
    needs: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    partners: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for at, profile, need, action, partner, channel in rows:
        day = timezone.localtime(at).date()
        per_day[day] += 1
        if action == Action.CALLBACK:
            callbacks[day] += 1
        profiles[profile] += 1
        needs[need] += 1
        actions[action] += 1
        channels[channel] += 1
        if partner and action == Action.FORWARD:
            partners[partner] += 1
    done = Callback.objects.filter(state=Callback.State.DONE, closed_at__gte=start, closed_at__lt=end)
    delays = [
        (closed - requested).total_seconds() / 60
        for closed, requested in done.values_list("closed_at", "interaction__at")
        if closed is not None
    ]
    total = len(rows)
    return Statistics(
        since=since,
        until=until,
        total=total,
        per_day=[(day, per_day[day]) for day in days],
        callbacks_per_day=[(day, callbacks[day]) for day in days],
        by_profile=_counted(profiles, {code: str(label) for code, label in Profile.choices}),
        by_need=_counted(needs, {code: str(label) for code, label in Need.choices}),
        by_action=_counted(actions, {code: str(label) for code, label in Action.choices}),
        by_partner=partners.most_common(),
        by_channel=dict(channels),
        first_level_share=actions[Action.ANSWER] / total if total else 0.0,
        forwarded_share=actions[Action.FORWARD] / total if total else 0.0,
        callback_share=actions[Action.CALLBACK] / total if total else 0.0,
        callback_delay_minutes=round(statistics.median(delays), 1) if delays else None,
        callbacks_done=len(delays),
    )
