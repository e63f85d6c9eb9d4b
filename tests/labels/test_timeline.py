"""The label's statutory deadlines: who acts, by when, the colours, the deemed opinion."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orientation.labels.timeline import (
    Actor,
    Step,
    Urgency,
    deadline,
    label_expires_on,
    opinion_is_deemed_unfavourable,
    renewal_opens_on,
)


@pytest.mark.parametrize(
    ("step", "started", "due", "actor"),
    [
        (Step.TRANSMISSION, date(2027, 3, 1), date(2027, 3, 9), Actor.PREFECTURE),
        (Step.OPINION, date(2027, 3, 1), date(2027, 3, 31), Actor.CCREFP),
        (Step.DECISION, date(2027, 3, 31), date(2027, 4, 20), Actor.PREFECTURE),
        (Step.WITHDRAWAL_ANSWER, date(2027, 12, 15), date(2028, 1, 14), Actor.APPLICANT),
        (Step.WITHDRAWAL_OPINION, date(2028, 1, 14), date(2028, 2, 13), Actor.CCREFP),
        (Step.WITHDRAWAL_DECISION, date(2028, 2, 13), date(2028, 3, 14), Actor.PREFECTURE),
    ],
)
def test_each_step_has_its_statutory_due_day_and_who_acts(step, started, due, actor):
    found = deadline(step, started)
    assert found.due_on == due
    assert found.rule.actor == actor


def test_the_colour_turns_amber_then_red():
    opinion = deadline(Step.OPINION, date(2027, 3, 1))  # due 31 March
    assert opinion.urgency(date(2027, 3, 23)) == Urgency.ON_TIME
    assert opinion.urgency(date(2027, 3, 24)) == Urgency.SOON  # 7 days left: a quarter of 30
    assert opinion.urgency(date(2027, 3, 31)) == Urgency.SOON
    assert opinion.days_left(date(2027, 3, 31)) == 0
    assert opinion.urgency(date(2027, 4, 1)) == Urgency.LATE
    transmission = deadline(Step.TRANSMISSION, date(2027, 3, 1))  # due 9 March
    assert transmission.urgency(date(2027, 3, 6)) == Urgency.ON_TIME
    assert transmission.urgency(date(2027, 3, 7)) == Urgency.SOON  # the last 2 days at least


def test_the_opinion_is_deemed_unfavourable_on_day_31_not_before():
    transmitted = date(2027, 3, 1)
    assert not opinion_is_deemed_unfavourable(transmitted, transmitted + timedelta(days=30))
    assert opinion_is_deemed_unfavourable(transmitted, transmitted + timedelta(days=31))


@pytest.mark.parametrize(
    ("granted", "expires", "renewal"),
    [
        (date(2027, 6, 15), date(2032, 6, 15), date(2032, 3, 15)),
        (date(2028, 2, 29), date(2033, 2, 28), date(2032, 11, 28)),  # no 29 February in 2033
        (date(2027, 5, 31), date(2032, 5, 31), date(2032, 2, 29)),  # no 31 February
    ],
)
def test_a_label_lasts_five_years_and_renewal_opens_three_months_before(granted, expires, renewal):
    assert label_expires_on(granted) == expires
    assert renewal_opens_on(granted) == renewal


@given(st.dates(min_value=date(2011, 1, 1), max_value=date(2100, 1, 1)))
def test_every_label_lasts_five_years(granted):
    length = (label_expires_on(granted) - granted).days
    assert 5 * 365 - 1 <= length <= 5 * 365 + 2
    assert 89 <= (label_expires_on(granted) - renewal_opens_on(granted)).days <= 92
