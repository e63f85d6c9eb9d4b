"""Reads on the territories."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orientation.territories.models import Commune, PostalCode
from orientation.utils.text import place_name_key

_POSTCODE_START = re.compile(r"^\d[\dAB]{1,4}$", re.IGNORECASE)


@dataclass(frozen=True)
class CommuneSuggestion:
    code: str
    name: str
    department: str
    postcode: str

    @property
    def label(self) -> str:
        """What a person reads: « Blois (41) »."""
        return f"{self.name} ({self.department})"

    @property
    def value(self) -> str:
        """What the field receives, which the geocoder reads back exactly: « 41000 Blois »."""
        return f"{self.postcode} {self.name}".strip()


def commune_suggestions(text: str, limit: int = 8) -> list[CommuneSuggestion]:
    """Communes whose name (or postcode) starts with what was typed, the most populated first."""
    text = " ".join((text or "").split())[:100]
    if len(text) < 2:
        return []
    if _POSTCODE_START.match(text):
        rows = (
            PostalCode.objects.filter(postcode__startswith=text, commune__kind=Commune.Kind.COMMUNE)
            .select_related("commune__department")
            .order_by("-commune__population", "postcode")
        )
        found: dict[str, CommuneSuggestion] = {}
        for row in rows[: limit * 4]:
            commune = row.commune
            found.setdefault(
                commune.code, CommuneSuggestion(commune.code, commune.name, commune.department.code, row.postcode)
            )
        return list(found.values())[:limit]
    key = place_name_key(text)
    if not key:
        return []
    communes = (
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, name_key__startswith=key)
        .select_related("department")
        .order_by("-population", "name")[:limit]
    )
    return [
        CommuneSuggestion(
            commune.code, commune.name, commune.department.code, min(commune.postcodes) if commune.postcodes else ""
        )
        for commune in communes
    ]
