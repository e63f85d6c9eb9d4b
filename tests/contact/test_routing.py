"""Routing decisions as pure functions of the rules, the clock and the queues' state:
opening hours, French public holidays (Alsace-Moselle's too), exceptions, overflow, the
caller's choice, and the rules' order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orientation.contact import routing
from orientation.contact.codelists import CALLBACK_SLOTS, Action, TransferMode
from orientation.directory.hours import parse_hours, weekdays
from orientation.territories.holidays import easter_sunday, public_holidays

PARIS = ZoneInfo("Europe/Paris")
OFFICE = parse_hours(weekdays("09:00", "17:00", lunch=("12:30", "13:30")))
TEAM = routing.Team(target="sip:premier-niveau@127.0.0.1:5070", hours=parse_hours(weekdays("08:00", "20:00")))


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def queue(**changes) -> routing.Queue:
    fields = {"id": 1, "name": "Mission locale de Blois", "target": "sip:ml@127.0.0.1:5080", "mode": TransferMode.RELAY,
              "hours": OFFICE, "hourly_capacity": 10, "load": 0, "department": "41"}  # fmt: skip
    fields.update(changes)
    return routing.Queue(**fields)


RULES = (
    routing.Rule(priority=10, queue_id=1, profiles=frozenset({"jeune-16-25"}), name="Jeunes vers la mission locale"),
    routing.Rule(priority=20, queue_id=None, needs=frozenset({"scolarite"}), name="Scolarité au premier niveau"),
    routing.Rule(priority=30, queue_id=2, departments=frozenset({"67"}), name="Bas-Rhin"),
)


def decide(profile="jeune-16-25", need="formation-financement", department="41", now=None, queues=None, **request):
    return routing.decide(
        routing.CallRequest(profile=profile, need=need, department=department, **request),
        rules=RULES,
        queues=queues
        if queues is not None
        else {1: queue(), 2: queue(id=2, name="CIO de Strasbourg", department="67")},
        team=TEAM,
        now=now or at(2027, 3, 2),  # a Tuesday
    )


def test_an_open_queue_takes_the_call_its_rule_names():
    decision = decide()
    assert (decision.action, decision.target, decision.queue_id) == (Action.FORWARD, "sip:ml@127.0.0.1:5080", 1)
    assert decision.reason == "Règle « Jeunes vers la mission locale » : Mission locale de Blois."


def test_a_redirecting_queue_is_forwarded_as_a_redirect():
    decision = decide(queues={1: queue(mode=TransferMode.REDIRECT, target="sip:accueil@ml-blois.example.org")})
    assert (decision.action, decision.mode) == (Action.FORWARD, "redirect")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2027, 3, 2, 8, 59), Action.CALLBACK),  # before opening
        (at(2027, 3, 2, 9, 0), Action.FORWARD),
        (at(2027, 3, 2, 12, 29), Action.FORWARD),
        (at(2027, 3, 2, 12, 30), Action.CALLBACK),  # lunch
        (at(2027, 3, 2, 13, 30), Action.FORWARD),
        (at(2027, 3, 2, 16, 59), Action.FORWARD),
        (at(2027, 3, 2, 17, 0), Action.CALLBACK),
        (at(2027, 3, 6, 10), Action.CALLBACK),  # Saturday
        (at(2027, 3, 7, 10), Action.CALLBACK),  # Sunday
    ],
)
def test_hours_of_the_partner(now, expected):
    assert decide(now=now).action == expected


def test_a_closed_partner_gives_a_callback_at_its_next_opening():
    decision = decide(now=at(2027, 3, 5, 18))  # Friday evening
    assert decision.action == Action.CALLBACK
    assert decision.callback_at == at(2027, 3, 8, 9)  # Monday 9:00
    assert decision.reason == "Mission locale de Blois est fermé : rappel à son ouverture."
    assert decision.retry_after_seconds(at(2027, 3, 5, 18)) == 63 * 3600


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 1, 1), "Jour de l’an"),
        (date(2027, 3, 29), "Lundi de Pâques"),  # Easter 2027: 28 March
        (date(2027, 5, 6), "Ascension"),
        (date(2027, 5, 17), "Lundi de Pentecôte"),
        (date(2027, 7, 14), "Fête nationale"),
        (date(2027, 11, 11), "Armistice 1918"),
    ],
)
def test_public_holidays_close_the_partner(day, name):
    assert public_holidays(day.year)[day] == name
    decision = decide(now=datetime.combine(day, datetime.min.time(), tzinfo=PARIS).replace(hour=10))
    assert decision.action == Action.CALLBACK
    assert decision.callback_at.date() > day


def test_alsace_moselle_keeps_good_friday_and_saint_stephen():
    good_friday = date(2027, 3, 26)
    strasbourg = queue(id=2, name="CIO de Strasbourg", department="67")
    assert good_friday in public_holidays(2027, "67")
    assert good_friday not in public_holidays(2027, "41")
    at_strasbourg = decide(department="67", profile="salarie", now=at(2027, 3, 26), queues={1: queue(), 2: strasbourg})
    assert (at_strasbourg.action, at_strasbourg.queue_id) == (Action.CALLBACK, 2)
    assert at_strasbourg.callback_at == at(2027, 3, 30, 9)  # Monday 29 is Easter Monday everywhere
    assert decide(now=at(2027, 3, 26)).action == Action.FORWARD  # Blois works on Good Friday
    assert date(2027, 12, 26) in public_holidays(2027, "57")


def test_the_partners_own_exception_wins_over_a_holiday_and_closes_a_day():
    hours = parse_hours({**weekdays("09:00", "17:00"), "exceptions": [
        {"start": "2027-05-08", "end": "2027-05-08", "closed": False, "slots": [{"opens": "10:00", "closes": "12:00"}]},
        {"start": "2027-03-03", "end": "2027-03-03", "closed": True, "label": "Inventaire"},
    ]})  # fmt: skip
    open_on_holiday = decide(now=at(2027, 5, 8, 11), queues={1: queue(hours=hours)})
    assert open_on_holiday.action == Action.FORWARD
    closed_day = decide(now=at(2027, 3, 3, 11), queues={1: queue(hours=hours)})
    assert closed_day.callback_at == at(2027, 3, 4, 9)


@pytest.mark.parametrize(
    ("load", "expected"), [(0, Action.FORWARD), (9, Action.FORWARD), (10, Action.CALLBACK), (25, Action.CALLBACK)]
)
def test_a_queue_over_its_hourly_capacity_gives_a_callback(load, expected):
    decision = decide(queues={1: queue(load=load)})
    assert decision.action == expected
    if expected == Action.CALLBACK:
        assert decision.reason.startswith("Mission locale de Blois est saturé")
        assert decision.callback_at == at(2027, 3, 2, 11)  # an hour later, still open


def test_no_capacity_means_no_limit():
    assert decide(queues={1: queue(hourly_capacity=0, load=500)}).action == Action.FORWARD


def test_overflow_near_closing_waits_for_the_next_opening():
    decision = decide(now=at(2027, 3, 2, 16, 30), queues={1: queue(load=10)})
    assert decision.callback_at == at(2027, 3, 3, 9)


def test_the_caller_may_choose_a_callback_even_when_open():
    decision = decide(wants_callback=True)
    assert (decision.action, decision.queue_id, decision.callback_at) == (Action.CALLBACK, 1, at(2027, 3, 2))
    assert decision.reason == "Rappel demandé par l’appelant."


def test_rules_go_by_priority_and_fall_back_to_the_first_level():
    assert decide(profile="jeune-16-25", need="scolarite").queue_id == 1  # priority 10 before 20
    school = decide(profile="parent", need="scolarite")
    assert (school.action, school.target) == (Action.ANSWER, TEAM.target)
    assert school.reason == "Règle « Scolarité au premier niveau » : premier niveau."
    strasbourg = decide(profile="parent", need="autre", department="67")
    assert strasbourg.queue_name == "CIO de Strasbourg"
    nothing = decide(profile="employeur", need="autre", department="75")
    assert (nothing.action, nothing.reason) == (Action.ANSWER, "Aucune règle ne correspond : premier niveau.")


def test_the_first_level_closed_gives_a_callback_at_its_opening():
    decision = decide(profile="employeur", need="autre", department="", now=at(2027, 3, 2, 21))
    assert decision.action == Action.CALLBACK
    assert decision.callback_at == at(2027, 3, 3, 8)
    assert decision.queue_id is None


def test_a_rule_naming_a_missing_queue_falls_back_to_the_first_level():
    decision = decide(queues={})
    assert decision.action == Action.ANSWER


@given(st.integers(min_value=1900, max_value=2200))
def test_easter_is_a_sunday_between_22_march_and_25_april(year):
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


@given(st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2030, 12, 31)))
def test_a_callback_is_always_at_an_open_moment_and_never_in_the_past(moment):
    now = moment.replace(tzinfo=PARIS)
    decision = decide(now=now, queues={1: queue(load=99)})
    assert decision.action == Action.CALLBACK
    assert decision.callback_at is not None
    assert decision.callback_at >= now
    assert routing.is_open(OFFICE, decision.callback_at, "41")
    assert decision.callback_at - now < timedelta(days=routing.CALLBACK_HORIZON_DAYS)


def test_a_partner_closed_for_two_weeks_is_called_back_by_the_first_level():
    shut = queue(hours=parse_hours({"weekly": []}))
    decision = decide(queues={1: shut})
    assert (decision.action, decision.queue_id, decision.callback_at) == (Action.CALLBACK, None, at(2027, 3, 2))
    assert "deux semaines" in decision.reason


SLOTS = {key: (start, end) for key, (start, end, _label) in CALLBACK_SLOTS.items()}


@pytest.mark.parametrize(
    ("now", "chosen", "expected"),
    [
        (at(2026, 12, 3, 8, 0), ["apres-midi"], at(2026, 12, 3, 14, 0)),  # Thursday: not 9:00
        (at(2026, 12, 3, 15, 10), ["apres-midi"], at(2026, 12, 3, 15, 10)),  # within it: now
        (at(2026, 12, 3, 16, 59), ["matin"], at(2026, 12, 4, 9, 0)),  # the next morning
        (at(2026, 12, 4, 13, 0), ["matin"], at(2026, 12, 7, 9, 0)),  # Friday afternoon: Monday
        (at(2026, 12, 3, 8, 0), ["midi"], at(2026, 12, 3, 12, 0)),  # the half hour before lunch
        (at(2026, 12, 3, 12, 45), ["midi"], at(2026, 12, 3, 13, 30)),  # after lunch, still in « midi »
        (at(2026, 12, 3, 8, 0), ["apres-midi", "matin"], at(2026, 12, 3, 9, 0)),  # the earliest chosen
        (at(2026, 12, 3, 8, 0), [], at(2026, 12, 3, 9, 0)),  # none chosen: the next opening
    ],
)
def test_a_callback_is_set_within_the_moments_the_person_chose(now, chosen, expected):
    request = routing.CallRequest(
        profile="jeune-16-25",
        need="autre",
        wants_callback=True,
        preferred_windows=tuple(SLOTS[key] for key in chosen),
    )
    decision = routing.decide(request, rules=RULES, queues={1: queue()}, team=TEAM, now=now)
    assert decision.action == Action.CALLBACK
    assert decision.callback_at == expected
