"""When a feed is due and when it is late: wall-clock times in Paris, across clock changes."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from orientation.ingestion.schedule import is_late, next_run_after

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_daily_runs_at_the_same_wall_clock_time_in_winter_and_in_summer():
    assert next_run_after(paris(2026, 1, 10, 3, 0), "daily", time(4, 0)) == paris(2026, 1, 10, 4, 0)
    assert next_run_after(paris(2026, 1, 10, 4, 0), "daily", time(4, 0)) == paris(2026, 1, 11, 4, 0)
    summer = next_run_after(paris(2026, 7, 10, 5, 0), "daily", time(4, 0))
    assert summer == paris(2026, 7, 11, 4, 0)
    assert summer.astimezone(UTC).hour == 2
    assert paris(2026, 1, 11, 4, 0).astimezone(UTC).hour == 3


def test_a_time_lost_when_clocks_go_forward_runs_just_after_the_gap():
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night.
    slot = next_run_after(paris(2026, 3, 29, 1, 0), "daily", time(2, 30))
    assert slot.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert slot.astimezone(PARIS).hour == 3
    assert next_run_after(slot, "daily", time(2, 30)) == paris(2026, 3, 30, 2, 30)


def test_a_time_repeated_when_clocks_go_back_runs_once():
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    first = next_run_after(paris(2026, 10, 25, 1, 0), "daily", time(2, 30))
    following = next_run_after(first, "daily", time(2, 30))
    assert following.date() == first.astimezone(PARIS).date().replace(day=26)


def test_hourly_uses_the_minutes_only():
    assert next_run_after(paris(2026, 5, 4, 10, 20), "hourly", time(4, 15)) == paris(2026, 5, 4, 11, 15)
    assert next_run_after(paris(2026, 5, 4, 10, 10), "hourly", time(4, 15)) == paris(2026, 5, 4, 10, 15)


def test_weekly_runs_on_its_weekday():
    # 23 November 2026 is a Monday; the feed runs on Wednesdays (2) at 06:00.
    assert next_run_after(paris(2026, 11, 23, 12, 0), "weekly", time(6, 0), 2) == paris(2026, 11, 25, 6, 0)
    assert next_run_after(paris(2026, 11, 25, 6, 0), "weekly", time(6, 0), 2) == paris(2026, 12, 2, 6, 0)


def test_manual_sources_have_no_slot_and_are_never_late():
    assert next_run_after(paris(2026, 5, 4, 10, 0), "manual", time(4, 0)) is None
    assert not is_late(
        frequency="manual", at=time(4), weekday=0, last_success=None, since=paris(2020, 1, 1), now=paris(2026, 1, 1)
    )


@pytest.mark.parametrize(
    ("last_success", "now", "late"),
    [
        # ran yesterday at 04:00; today's 04:00 slot gives it until 16:00
        (paris(2026, 5, 3, 4, 0), paris(2026, 5, 4, 15, 59), False),
        (paris(2026, 5, 3, 4, 0), paris(2026, 5, 4, 16, 1), True),
        (paris(2026, 5, 4, 4, 5), paris(2026, 5, 4, 23, 0), False),
        # never succeeded since its creation two days ago
        (None, paris(2026, 5, 4, 12, 0), True),
    ],
)
def test_a_daily_feed_is_late_half_a_day_after_a_missed_slot(last_success, now, late):
    assert (
        is_late(
            frequency="daily",
            at=time(4, 0),
            weekday=0,
            last_success=last_success,
            since=paris(2026, 5, 2, 9, 0),
            now=now,
        )
        is late
    )
