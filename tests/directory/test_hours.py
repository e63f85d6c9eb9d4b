import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orientation.directory.hours import HoursError, format_osm_hours, parse_hours, parse_osm_hours, weekdays

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


HOURS = {
    **weekdays("09:00", "17:00", lunch=("12:30", "13:30")),
    "exceptions": [{"start": "2026-12-24", "end": "2026-12-26", "closed": True, "label": "Fêtes"}],
}


def test_open_and_closed_moments():
    hours = parse_hours(HOURS)
    assert hours.is_open(at("2026-11-23 10:00"))  # a Monday morning
    assert not hours.is_open(at("2026-11-23 12:45"))  # lunch break
    assert not hours.is_open(at("2026-11-23 17:00"))  # closing time is closed
    assert not hours.is_open(at("2026-11-28 10:00"))  # Saturday
    assert not hours.is_open(at("2026-12-24 10:00"))  # exception


def test_next_opening_skips_weekends_and_exceptions():
    hours = parse_hours(HOURS)
    assert hours.next_opening(at("2026-11-27 18:00")) == at("2026-11-30 09:00")
    assert hours.next_opening(at("2026-12-23 18:00")) == at("2026-12-28 09:00")
    assert hours.next_opening(at("2026-11-23 10:15")) == at("2026-11-23 10:15")


@pytest.mark.parametrize(
    ("moment", "is_open", "text"),
    [
        ("2026-11-23 10:00", True, "Ouvert jusqu’à 12 h 30"),
        ("2026-11-23 12:45", False, "Fermé · ouvre aujourd’hui à 13 h 30"),
        ("2026-11-23 18:00", False, "Fermé · ouvre demain à 9 h"),
        ("2026-11-27 18:00", False, "Fermé · ouvre lundi à 9 h"),
        ("2026-12-23 18:00", False, "Fermé · ouvre lundi à 9 h"),
    ],
)
def test_status_tells_a_person_when_to_come(moment, is_open, text):
    assert parse_hours(HOURS).status(at(moment)) == (is_open, text)


def test_status_when_the_hours_are_unknown_or_far():
    assert parse_hours({}).status(at("2026-11-23 10:00")) == (False, "Horaires non communiqués")
    closed = {**HOURS, "exceptions": [{"start": "2026-11-01", "end": "2027-01-31", "closed": True}]}
    assert parse_hours(closed).status(at("2026-11-23 10:00")) == (False, "Fermé pour le mois à venir")


def test_weekly_lines_in_french():
    lines = dict(parse_hours(HOURS).weekly_lines())
    assert lines["lundi"] == "9 h–12 h 30, 13 h 30–17 h"
    assert lines["dimanche"] == "fermé"


def test_round_trip_through_json():
    hours = parse_hours(HOURS)
    assert parse_hours(hours.to_json()) == hours


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"weekly": [{"day": 7, "opens": "09:00", "closes": "12:00"}]}, "weekly[0].day"),
        ({"weekly": [{"day": 0, "opens": "9h", "closes": "12:00"}]}, "weekly[0].opens"),
        ({"weekly": [{"day": 0, "opens": "12:00", "closes": "09:00"}]}, "doit suivre"),
        (
            {
                "weekly": [
                    {"day": 0, "opens": "09:00", "closes": "12:00"},
                    {"day": 0, "opens": "11:00", "closes": "13:00"},
                ]
            },
            "se chevauchent",
        ),
        ({"exceptions": [{"start": "2026-12-26", "end": "2026-12-24"}]}, "précède"),
        ({"exceptions": [{"start": "demain"}]}, "exceptions[0]"),
    ],
)
def test_invalid_hours_name_the_faulty_part(raw, message):
    with pytest.raises(HoursError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_hours(raw)


def test_osm_opening_hours_as_data_inclusion_publishes_them():
    hours = parse_osm_hours('Mo-Fr 10:00-20:00 "sur rendez-vous"; PH off')
    assert hours.weekly_lines()[0] == ("lundi", "10 h–20 h")
    assert hours.weekly_lines()[5] == ("samedi", "fermé")
    hours = parse_osm_hours("Mo,We 9:00-12:00,14:00-17:30; Th-Fr 09:00-12:00; Sa 09:00-12:00; Sa off")
    assert format_osm_hours(hours) == "Mo 09:00-12:00,14:00-17:30; We 09:00-12:00,14:00-17:30; Th-Fr 09:00-12:00"
    assert format_osm_hours(parse_osm_hours(format_osm_hours(hours))) == format_osm_hours(hours)
    assert parse_osm_hours("24/7").is_open(datetime(2026, 12, 25, 3, 0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Lu-Ve 9:00-17:00", "jours « Lu-Ve »"),
        ("Mo-Fr 9h-17h", "créneau « 9h-17h »"),
        ("Mo 14:00-12:00", "la fermeture (12:00) doit suivre l’ouverture (14:00)"),
    ],
)
def test_osm_hours_that_are_not_understood_say_which_rule(text, message):
    with pytest.raises(HoursError, match=re.escape(message)):
        parse_osm_hours(text)
