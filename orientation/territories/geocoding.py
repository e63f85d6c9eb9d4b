"""Turn what people and data files write into a commune and coordinates.

Accepted inputs: an INSEE commune code ("41018", "2A004"), a postcode ("41000"), a
"postcode city" string in any order and punctuation ("41000 Blois", "Blois (41000)",
"34094, Montpellier Cedex 5"), or a commune name ("Saint-Étienne"). Codes and names of
communes that merged into another one still resolve, to the current commune.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from orientation.territories.models import Commune, FormerCommune, PostalCode
from orientation.utils.text import place_name_key


class Precision(StrEnum):
    #: the exact locality (a lieu-dit line of La Poste, or a former commune)
    LOCALITY = "locality"
    #: the centre of the commune
    COMMUNE = "commune"


@dataclass(frozen=True)
class GeocodeResult:
    commune: Commune
    latitude: float | None
    longitude: float | None
    precision: Precision
    #: how the match was made, for the operator reading an import report
    method: str
    #: several communes fitted and the most populated one was taken
    ambiguous: bool = False
    candidates: tuple[str, ...] = field(default=())


_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)
_POSTCODE_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_CEDEX = re.compile(r"\bcedex\b(\s*\d+)?", re.IGNORECASE)


def department_of_postcode(postcode: str) -> str:
    """Department code that a postcode points to (Corsica's 20xxx has two)."""
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    return postcode[:2]


class Geocoder:
    """Resolves places against the territories tables (a few indexed queries each)."""

    def geocode(self, query: str) -> GeocodeResult | None:
        text = " ".join(query.split())
        if not text:
            return None
        if _INSEE_CODE.match(text):
            # A bare five-digit string is more often a postcode than a commune code.
            return self.by_postcode(text) or self.by_insee_code(text)
        match = _POSTCODE_IN_TEXT.search(text)
        if match:
            city = (text[: match.start()] + " " + text[match.end() :]).strip(" ,;-()")
            return self.by_postcode(match.group(1), city or None)
        return self.by_name(text)

    def by_insee_code(self, code: str) -> GeocodeResult | None:
        code = code.strip().upper()
        commune = Commune.objects.filter(code=code).first()
        if commune is not None:
            return _at_commune(commune, "code INSEE")
        former = FormerCommune.objects.filter(code=code).select_related("commune").order_by("kind").first()
        if former is not None:
            return _at_former(former, "code INSEE d’une commune déléguée ou ancienne")
        return None

    def by_postcode(self, postcode: str, city: str | None = None) -> GeocodeResult | None:
        rows = list(PostalCode.objects.filter(postcode=postcode).select_related("commune"))
        city_key = place_name_key(_CEDEX.sub(" ", city)) if city else ""
        if rows and city_key:
            for row in rows:
                if city_key == place_name_key(row.line5):
                    return GeocodeResult(
                        row.commune, row.latitude, row.longitude, Precision.LOCALITY, "code postal et lieu-dit"
                    )
            for row in rows:
                if city_key in {row.name_key, place_name_key(row.delivery_label), row.commune.name_key}:
                    return _at_commune(row.commune, "code postal et nom de commune")
        if rows:
            communes = {row.commune_id: row.commune for row in rows}
            if len(communes) == 1:
                return _at_commune(next(iter(communes.values())), "code postal")
            if city_key:
                # The name did not match this postcode exactly: look for it among the
                # communes of the department before guessing between the postcode's.
                by_name = self.by_name(city_key, department=department_of_postcode(postcode))
                if by_name is not None and not by_name.ambiguous:
                    return by_name
            best = max(communes.values(), key=lambda commune: commune.population or 0)
            return _at_commune(
                best,
                "code postal partagé (commune la plus peuplée)",
                ambiguous=True,
                candidates=tuple(sorted(commune.code for commune in communes.values())),
            )
        if city_key:
            # CEDEX and company postcodes are absent from the public base: the name
            # within the postcode's department is the next best thing.
            return self.by_name(city_key, department=department_of_postcode(postcode))
        return None

    def by_name(self, name: str, department: str | None = None) -> GeocodeResult | None:
        key = place_name_key(_CEDEX.sub(" ", name))
        if not key:
            return None
        communes = Commune.objects.filter(name_key=key, kind=Commune.Kind.COMMUNE).select_related("department")
        formers = FormerCommune.objects.filter(name_key=key).select_related("commune__department")
        if department:
            departments = ["2A", "2B"] if department == "20" else [department]
            communes = communes.filter(department__code__in=departments)
            formers = formers.filter(commune__department__code__in=departments)
        found = list(communes)
        if len(found) == 1:
            return _at_commune(found[0], "nom de commune")
        if len(found) > 1:
            best = max(found, key=lambda commune: commune.population or 0)
            return _at_commune(
                best,
                "nom de commune partagé (commune la plus peuplée)",
                ambiguous=True,
                candidates=tuple(sorted(commune.code for commune in found)),
            )
        former = formers.first()
        if former is not None:
            return _at_former(former, "nom d’une commune déléguée ou ancienne")
        # « Marseille 15e Arrondissement », or « Paris 15e » as people write it.
        districts = Commune.objects.filter(
            name_key__in=[key, f"{key} ARRONDISSEMENT"], kind=Commune.Kind.MUNICIPAL_DISTRICT
        )
        if department:
            districts = districts.filter(department__code=department)
        district = districts.first()
        if district is not None:
            return _at_commune(district, "nom d’arrondissement municipal")
        return None


def _at_commune(
    commune: Commune, method: str, *, ambiguous: bool = False, candidates: tuple[str, ...] = ()
) -> GeocodeResult:
    return GeocodeResult(commune, commune.latitude, commune.longitude, Precision.COMMUNE, method, ambiguous, candidates)


def _at_former(former: FormerCommune, method: str) -> GeocodeResult:
    if former.latitude is not None and former.longitude is not None:
        return GeocodeResult(former.commune, former.latitude, former.longitude, Precision.LOCALITY, method)
    return _at_commune(former.commune, method)
