"""Where a call goes: a pure function of the routing rules, the clock and the queues' state.

No telephony here and no database: the SIP endpoint, the voice webhook and the web form
build a ``CallRequest``, load the rules and queues as plain values, and ask ``decide``. The
answer is one of: answer at the platform's first level, forward to a partner queue (relayed
by the proxy or redirected to the partner), or schedule a callback in the next open slot
(partner closed, queue over capacity, or the caller's choice), always with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from orientation.contact.codelists import Action, TransferMode
from orientation.directory.hours import HoursException, OpeningHours
from orientation.territories.holidays import public_holidays

PARIS = ZoneInfo("Europe/Paris")
#: how far ahead a callback slot is looked for
CALLBACK_HORIZON_DAYS = 14


@dataclass(frozen=True)
class CallRequest:
    profile: str
    need: str
    department: str = ""
    wants_callback: bool = False
    #: for a callback asked for: the (from, until) local times the person chose; empty: any
    preferred_windows: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class Queue:
    id: int
    name: str
    target: str
    mode: str
    hours: OpeningHours
    #: calls it takes in an hour; 0: no limit
    hourly_capacity: int = 0
    #: calls forwarded to it in the last hour
    load: int = 0
    #: where it is, for the public holidays it keeps (Alsace-Moselle has two more)
    department: str = ""


@dataclass(frozen=True)
class Rule:
    priority: int
    queue_id: int | None
    profiles: frozenset[str] = field(default_factory=frozenset)
    needs: frozenset[str] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    name: str = ""

    def matches(self, request: CallRequest) -> bool:
        return (
            (not self.profiles or request.profile in self.profiles)
            and (not self.needs or request.need in self.needs)
            and (not self.departments or request.department in self.departments)
        )


@dataclass(frozen=True)
class Team:
    """The platform's first-level advisers."""

    target: str
    hours: OpeningHours


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str
    target: str = ""
    mode: str = TransferMode.RELAY
    queue_id: int | None = None
    queue_name: str = ""
    rule: str = ""
    #: for a callback: when the slot starts
    callback_at: datetime | None = None

    def retry_after_seconds(self, now: datetime) -> int:
        """For SIP's Retry-After: seconds until the callback slot (at least a minute)."""
        if self.callback_at is None:
            return 3600
        return max(60, int((self.callback_at - now).total_seconds()))


@cache
def _holiday_closures(year: int, department: str) -> tuple[HoursException, ...]:
    """The public holidays of a year and the next as closed days (built once per process)."""
    return tuple(
        HoursException(start=day, end=day, closed=True, label=label)
        for each in (year, year + 1)
        for day, label in sorted(public_holidays(each, department).items())
    )


def with_holidays(hours: OpeningHours, around: date, department: str = "") -> OpeningHours:
    """The hours, closed on the public holidays of this year and the next (the hours' own
    exceptions keep precedence: a partner may open on a holiday)."""
    return replace(hours, exceptions=hours.exceptions + _holiday_closures(around.year, department))


def is_open(hours: OpeningHours, now: datetime, department: str = "") -> bool:
    local = now.astimezone(PARIS)
    return with_holidays(hours, local.date(), department).is_open(local)


def next_opening(hours: OpeningHours, now: datetime, department: str = "") -> datetime | None:
    local = now.astimezone(PARIS)
    return with_holidays(hours, local.date(), department).next_opening(local, horizon_days=CALLBACK_HORIZON_DAYS)


def next_opening_within(
    hours: OpeningHours, now: datetime, windows: Sequence[tuple[time, time]], department: str = ""
) -> datetime | None:
    """The first moment from ``now`` when the line is open *and* the local time falls in one of
    the windows the person chose (an afternoon chosen is never announced for the morning)."""
    if not windows:
        return next_opening(hours, now, department)
    local = now.astimezone(PARIS)
    hours = with_holidays(hours, local.date(), department)
    for offset in range(CALLBACK_HORIZON_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        starts = []
        for slot in hours.slots_on(day):
            for window_start, window_end in windows:
                start = datetime.combine(day, max(slot.opens, window_start), tzinfo=PARIS)
                end = datetime.combine(day, min(slot.closes, window_end), tzinfo=PARIS)
                if start < end and end > local:
                    starts.append(max(start, local))
        if starts:
            return min(starts)
    return None


def _callback(reason: str, when: datetime | None, *, queue: Queue | None = None, rule: str = "") -> Decision:
    return Decision(
        action=Action.CALLBACK,
        reason=reason,
        queue_id=queue.id if queue else None,
        queue_name=queue.name if queue else "",
        rule=rule,
        callback_at=when,
    )


def _first_level(team: Team, now: datetime, reason: str, rule: str = "") -> Decision:
    if is_open(team.hours, now):
        return Decision(action=Action.ANSWER, reason=reason, target=team.target, rule=rule)
    return _callback(
        "Premier niveau fermé : rappel au prochain créneau ouvert.", next_opening(team.hours, now), rule=rule
    )


def decide(
    request: CallRequest, *, rules: Sequence[Rule], queues: dict[int, Queue], team: Team, now: datetime
) -> Decision:
    """The decision for one call. Rules are tried by priority; the first that matches the
    caller's profile, need and department (an empty list matches anything) names a partner
    queue, or the first level (no queue)."""
    rule = next((rule for rule in sorted(rules, key=lambda r: r.priority) if rule.matches(request)), None)
    queue = queues.get(rule.queue_id) if rule is not None and rule.queue_id is not None else None
    rule_name = rule.name if rule else ""
    if request.wants_callback:
        hours, department = (queue.hours, queue.department) if queue else (team.hours, "")
        when = next_opening_within(hours, now, request.preferred_windows, department)
        return _callback("Rappel demandé par l’appelant.", when, queue=queue, rule=rule_name)
    if rule is None:
        return _first_level(team, now, "Aucune règle ne correspond : premier niveau.")
    if queue is None:
        return _first_level(team, now, f"Règle « {rule_name} » : premier niveau.", rule_name)
    if not is_open(queue.hours, now, queue.department):
        opening = next_opening(queue.hours, now, queue.department)
        if opening is None:
            # Closed for the next two weeks: the platform's own advisers call back.
            return _callback(
                f"{queue.name} est fermé pour les deux semaines à venir : rappel par le premier niveau.",
                next_opening(team.hours, now),
                rule=rule_name,
            )
        return _callback(f"{queue.name} est fermé : rappel à son ouverture.", opening, queue=queue, rule=rule_name)
    if queue.hourly_capacity and queue.load >= queue.hourly_capacity:
        # Over capacity: the next slot is in an hour at the earliest, if it is still open then.
        later = next_opening(queue.hours, now + timedelta(hours=1), queue.department)
        return _callback(
            f"{queue.name} est saturé ({queue.load} appels dans l’heure pour {queue.hourly_capacity}) : rappel.",
            later,
            queue=queue,
            rule=rule_name,
        )
    return Decision(
        action=Action.FORWARD,
        reason=f"Règle « {rule_name} » : {queue.name}.",
        target=queue.target,
        mode=queue.mode,
        queue_id=queue.id,
        queue_name=queue.name,
        rule=rule_name,
    )
