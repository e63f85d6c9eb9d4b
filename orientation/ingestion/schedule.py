"""When a source's feed is due, and when it is late: pure functions of the schedule and the clock.

A schedule is a frequency (hourly, daily, weekly, or manual), a time of day in the
platform's time zone (only its minutes count for an hourly feed) and, for a weekly
feed, a weekday. Times are wall-clock times in Paris: a daily 04:00 feed runs at
04:00 in winter and in summer. A time that does not exist on the night clocks go
forward (02:30) runs one hour later, as the clock shows it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MANUAL = "manual", _("à la demande")
    HOURLY = "hourly", _("toutes les heures")
    DAILY = "daily", _("tous les jours")
    WEEKLY = "weekly", _("toutes les semaines")


WEEKDAYS = [
    (0, _("lundi")),
    (1, _("mardi")),
    (2, _("mercredi")),
    (3, _("jeudi")),
    (4, _("vendredi")),
    (5, _("samedi")),
    (6, _("dimanche")),
]


PERIODS = {
    Frequency.HOURLY: timedelta(hours=1),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(weeks=1),
}


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    # Going through UTC turns a wall-clock time that does not exist (the spring gap)
    # into the instant the clock shows just after the gap.
    return datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)


def next_run_after(moment: datetime, frequency: str, at: time, weekday: int = 0) -> datetime | None:
    """The first scheduled instant strictly after ``moment``; None for a manual source."""
    frequency = Frequency(frequency)
    if frequency is Frequency.MANUAL:
        return None
    zone = local_zone()
    local = moment.astimezone(zone)
    if frequency is Frequency.HOURLY:
        candidate = local.replace(minute=at.minute, second=0, microsecond=0)
        while candidate <= local:
            candidate = (candidate.astimezone(ZoneInfo("UTC")) + timedelta(hours=1)).astimezone(zone)
        return candidate
    day = local.date()
    while True:
        if frequency is Frequency.DAILY or day.weekday() == weekday:
            candidate = _at(day, at, zone)
            if candidate > local:
                return candidate
        day += timedelta(days=1)


def is_late(
    *,
    frequency: str,
    at: time,
    weekday: int,
    last_success: datetime | None,
    since: datetime,
    now: datetime,
) -> bool:
    """Whether a feed missed its slot: no success since the slot that followed the last one.

    A run takes time, so a feed is late only when half a period has passed after the
    slot it should have filled. ``since`` is when the schedule started (the source's
    creation or last schedule change), for a feed that never succeeded.
    """
    frequency = Frequency(frequency)
    if frequency is Frequency.MANUAL:
        return False
    expected = next_run_after(last_success or since, frequency, at, weekday)
    assert expected is not None
    return now > expected + PERIODS[frequency] / 2
