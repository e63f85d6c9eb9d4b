"""Levels of study as Onisep writes them (a study's « niveau d'études », an occupation's
« niveau minimum d'accès »), ranked from the shortest."""

from __future__ import annotations

import re

#: « CAP ou équivalent » < « Bac ou équivalent » < « Bac + 1 » < … < « Bac + 9 et plus »
_BAC_PLUS = re.compile(r"bac\s*\+\s*(\d+)", re.IGNORECASE)


def level_rank(level: str) -> int:
    """Where a study's level (Onisep « niveau_etudes ») stands, to list the shortest studies
    first: a person sees what they can start from where they are. Unknown levels come last."""
    text = level.casefold()
    found = _BAC_PLUS.search(text)
    if found:
        return 20 + int(found.group(1))
    if text.startswith("bac"):
        return 20
    if text.startswith("cap"):
        return 11 if "+" in text else 10
    if text.startswith(("3e", "3ème", "fin de 3")):
        return 5
    return 99
