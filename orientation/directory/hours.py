"""Opening hours as structured weekly slots plus dated exceptions.

Stored as JSON on the object that opens (a place, a service), in this shape::

    {"weekly": [{"day": 0, "opens": "09:00", "closes": "12:30"}, ...],
     "exceptions": [{"start": "2026-12-24", "end": "2026-12-26", "closed": true,
                     "label": "Fêtes de fin d’année"}]}

``day`` is 0 for Monday. An exception either closes the place for its dates or
replaces the weekly slots by its own ``slots`` on those dates.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext

DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class HoursError(ValueError):
    """Opening hours that do not make sense; the message names the faulty part."""


@dataclass(frozen=True)
class Slot:
    opens: time
    closes: time

    def contains(self, moment: time) -> bool:
        return self.opens <= moment < self.closes

    def describe(self) -> str:
        return f"{_french_time(self.opens)}–{_french_time(self.closes)}"


def _french_time(moment: time) -> str:
    """9 h, 12 h 30: the French way of writing a time of day."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


@dataclass(frozen=True)
class HoursException:
    start: date
    end: date
    closed: bool
    slots: tuple[Slot, ...] = ()
    label: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class OpeningHours:
    weekly: dict[int, tuple[Slot, ...]] = field(default_factory=dict)
    exceptions: tuple[HoursException, ...] = ()

    @property
    def is_known(self) -> bool:
        return bool(self.weekly)

    def slots_on(self, day: date) -> tuple[Slot, ...]:
        for exception in self.exceptions:
            if exception.covers(day):
                return () if exception.closed else exception.slots
        return self.weekly.get(day.weekday(), ())

    def is_open(self, moment: datetime) -> bool:
        return any(slot.contains(moment.time()) for slot in self.slots_on(moment.date()))

    def next_opening(self, moment: datetime, *, horizon_days: int = 31) -> datetime | None:
        """The next moment it opens (``moment`` itself if open), within the horizon."""
        for offset in range(horizon_days + 1):
            day = moment.date() + timedelta(days=offset)
            for slot in sorted(self.slots_on(day), key=lambda s: s.opens):
                start = datetime.combine(day, slot.opens, tzinfo=moment.tzinfo)
                end = datetime.combine(day, slot.closes, tzinfo=moment.tzinfo)
                if end > moment:
                    return max(start, moment)
        return None

    def status(self, moment: datetime) -> tuple[bool, str]:
        """(open now?, what to tell a person): « Ouvert jusqu’à 12 h 30 », « Fermé · ouvre
        mardi à 9 h », « Fermé · ouvre demain à 14 h »; the hours unknown say so."""
        if not self.is_known:
            return False, gettext("Horaires non communiqués")
        opening = self.next_opening(moment)
        if opening is None:
            return False, gettext("Fermé pour le mois à venir")
        if opening == moment:
            slot = next(slot for slot in self.slots_on(moment.date()) if slot.contains(moment.time()))
            return True, gettext("Ouvert jusqu’à %(time)s") % {"time": _french_time(slot.closes)}
        days = (opening.date() - moment.date()).days
        if days == 0:
            when = gettext("aujourd’hui")
        elif days == 1:
            when = gettext("demain")
        elif days < 7:
            when = DAY_NAMES[opening.weekday()]
        else:
            when = gettext("le %(date)s") % {"date": f"{opening:%d/%m}"}
        return False, gettext("Fermé · ouvre %(when)s à %(time)s") % {
            "when": when,
            "time": _french_time(opening.time()),
        }

    def weekly_lines(self) -> list[tuple[str, str]]:
        """(day name, "9 h–12 h 30, 14 h–17 h" or "fermé") for Monday to Sunday."""
        return [
            (name, ", ".join(slot.describe() for slot in self.weekly.get(index, ())) or "fermé")
            for index, name in enumerate(DAY_NAMES)
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "weekly": [
                {"day": day, "opens": f"{slot.opens:%H:%M}", "closes": f"{slot.closes:%H:%M}"}
                for day in sorted(self.weekly)
                for slot in self.weekly[day]
            ],
            "exceptions": [
                {
                    "start": exception.start.isoformat(),
                    "end": exception.end.isoformat(),
                    "closed": exception.closed,
                    **({"slots": [_slot_json(s) for s in exception.slots]} if exception.slots else {}),
                    **({"label": exception.label} if exception.label else {}),
                }
                for exception in self.exceptions
            ],
        }


def _slot_json(slot: Slot) -> dict[str, str]:
    return {"opens": f"{slot.opens:%H:%M}", "closes": f"{slot.closes:%H:%M}"}


def _parse_time(value: Any, where: str) -> time:
    if not isinstance(value, str) or not _TIME.match(value):
        raise HoursError(f"{where} : heure HH:MM attendue, {value!r} trouvé")
    return time.fromisoformat(value)


def _parse_slot(raw: Any, where: str) -> Slot:
    if not isinstance(raw, dict):
        raise HoursError(f"{where} : un créneau {{opens, closes}} est attendu")
    opens, closes = _parse_time(raw.get("opens"), f"{where}.opens"), _parse_time(raw.get("closes"), f"{where}.closes")
    if closes <= opens:
        raise HoursError(f"{where} : la fermeture ({closes:%H:%M}) doit suivre l’ouverture ({opens:%H:%M})")
    return Slot(opens, closes)


def _check_overlaps(slots: list[Slot], where: str) -> tuple[Slot, ...]:
    ordered = sorted(slots, key=lambda slot: slot.opens)
    for before, after in itertools.pairwise(ordered):
        if after.opens < before.closes:
            raise HoursError(f"{where} : les créneaux {before.describe()} et {after.describe()} se chevauchent")
    return tuple(ordered)


def parse_hours(raw: Any) -> OpeningHours:
    """Validate stored or submitted opening hours; raise HoursError naming the fault."""
    if raw in (None, "", {}):
        return OpeningHours()
    if not isinstance(raw, dict):
        raise HoursError("horaires : un objet {weekly, exceptions} est attendu")
    by_day: dict[int, list[Slot]] = {}
    for index, item in enumerate(raw.get("weekly") or []):
        where = f"weekly[{index}]"
        day = item.get("day") if isinstance(item, dict) else None
        if not isinstance(day, int) or not 0 <= day <= 6:
            raise HoursError(f"{where}.day : jour 0 (lundi) à 6 (dimanche) attendu, {day!r} trouvé")
        by_day.setdefault(day, []).append(_parse_slot(item, where))
    weekly = {day: _check_overlaps(slots, DAY_NAMES[day]) for day, slots in by_day.items()}
    exceptions = []
    for index, item in enumerate(raw.get("exceptions") or []):
        where = f"exceptions[{index}]"
        if not isinstance(item, dict):
            raise HoursError(f"{where} : un objet est attendu")
        try:
            start = date.fromisoformat(str(item.get("start")))
            end = date.fromisoformat(str(item.get("end") or item.get("start")))
        except ValueError as error:
            raise HoursError(f"{where} : date AAAA-MM-JJ attendue ({error})") from error
        if end < start:
            raise HoursError(f"{where} : la fin ({end}) précède le début ({start})")
        closed = bool(item.get("closed", not item.get("slots")))
        slots = (
            ()
            if closed
            else _check_overlaps(
                [_parse_slot(slot, f"{where}.slots[{n}]") for n, slot in enumerate(item.get("slots") or [])], where
            )
        )
        exceptions.append(HoursException(start, end, closed, slots, str(item.get("label") or "")))
    return OpeningHours(weekly, tuple(exceptions))


def weekdays(
    opens: str, closes: str, *, days: range = range(5), lunch: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Shorthand to write usual hours: Monday to Friday, optionally closed at lunch."""
    slots = [(opens, lunch[0]), (lunch[1], closes)] if lunch else [(opens, closes)]
    return {
        "weekly": [{"day": day, "opens": start, "closes": end} for day in days for start, end in slots],
        "exceptions": [],
    }


# -- the OpenStreetMap opening_hours syntax, used by data·inclusion -----------------------

OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_OSM_DAY_RANGE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_OSM_SLOT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-4]):([0-5]\d)$")
_OSM_COMMENT = re.compile(r'"[^"]*"')


def parse_osm_hours(text: str) -> OpeningHours:
    """Weekly hours from an OSM ``opening_hours`` value, the common subset publishers use:
    ``Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off``, ``24/7``, comments in quotes.

    Public-holiday and school-holiday rules (PH, SH) are left out: we only keep weekly
    slots. Anything else raises HoursError quoting the rule it did not understand.
    """
    text = _OSM_COMMENT.sub("", text or "").strip()
    if not text:
        return OpeningHours()
    if text == "24/7":
        return parse_hours({"weekly": [{"day": day, "opens": "00:00", "closes": "23:59"} for day in range(7)]})
    by_day: dict[int, list[dict[str, str]]] = {}
    for rule in filter(None, (part.strip() for part in text.split(";"))):
        if rule.startswith(("PH", "SH")):
            continue
        days_part, _, times_part = rule.partition(" ")
        days: list[int] = []
        for days_range in days_part.split(","):
            match = _OSM_DAY_RANGE.match(days_range)
            if not match:
                raise HoursError(f"horaires OSM : jours « {days_range} » non compris dans « {rule} »")
            first = OSM_DAYS.index(match.group(1))
            last = OSM_DAYS.index(match.group(2) or match.group(1))
            days.extend(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
        times_part = times_part.strip()
        if times_part in ("off", "closed"):
            for day in days:
                by_day[day] = []
            continue
        slots = []
        for slot in times_part.split(","):
            match = _OSM_SLOT.match(slot.strip())
            if not match:
                raise HoursError(f"horaires OSM : créneau « {slot.strip()} » non compris dans « {rule} »")
            opens_hour, opens_minute, closes_hour, closes_minute = match.groups()
            closes = "23:59" if closes_hour == "24" else f"{int(closes_hour):02d}:{closes_minute}"
            slots.append({"opens": f"{int(opens_hour):02d}:{opens_minute}", "closes": closes})
        for day in days:
            by_day[day] = slots  # a later rule replaces an earlier one for the same day, as in OSM
    return parse_hours({"weekly": [{"day": day, **slot} for day in sorted(by_day) for slot in by_day[day]]})


def format_osm_hours(hours: OpeningHours) -> str:
    """The weekly slots in OSM ``opening_hours`` syntax, consecutive equal days grouped."""
    rules: list[str] = []
    day = 0
    while day < 7:
        slots = hours.weekly.get(day, ())
        last = day
        while last + 1 < 7 and hours.weekly.get(last + 1, ()) == slots:
            last += 1
        if slots:
            days = OSM_DAYS[day] if last == day else f"{OSM_DAYS[day]}-{OSM_DAYS[last]}"
            times = ",".join(f"{slot.opens:%H:%M}-{slot.closes:%H:%M}" for slot in slots)
            rules.append(f"{days} {times}")
        day = last + 1
    return "; ".join(rules)
