"""French public holidays (jours fériés, Code du travail L3133-1), with the two more days of
Alsace-Moselle (Good Friday and Saint Stephen's Day in the Bas-Rhin, Haut-Rhin and Moselle).

Overseas departments add their own (abolition of slavery…); they are not listed here yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

ALSACE_MOSELLE = {"57", "67", "68"}


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int, department: str = "") -> dict[date, str]:
    """The public holidays of that year, for that department (none given: the national ones)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "Jour de l’an",
        easter + timedelta(days=1): "Lundi de Pâques",
        date(year, 5, 1): "Fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter + timedelta(days=39): "Ascension",
        easter + timedelta(days=50): "Lundi de Pentecôte",
        date(year, 7, 14): "Fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }
    if department in ALSACE_MOSELLE:
        days[easter - timedelta(days=2)] = "Vendredi saint"
        days[date(year, 12, 26)] = "Saint-Étienne"
    return days
