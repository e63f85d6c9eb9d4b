"""Text helpers shared by importers, the geocoder and the pages."""

from __future__ import annotations

import re
import unicodedata

_C1_CONTROLS = re.compile("[\x80-\x9f]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
# Abbreviations La Poste uses in its "libellé d'acheminement" and that people type.
_NAME_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "STES": "SAINTES"}


def repair_cp1252(text: str) -> str:
    """Repair characters of Windows-1252 that were decoded as Latin-1.

    Some public directories were exported that way: "d\\x92information" stands for
    "d’information" and "\\x9cuvres" for "œuvres". Characters in U+0080..U+009F are
    C1 control codes that never appear in real French text, so mapping them back
    through cp1252 is safe.
    """

    def fix(match: re.Match[str]) -> str:
        try:
            return bytes([ord(match.group())]).decode("cp1252")
        except UnicodeDecodeError:
            return ""

    return _C1_CONTROLS.sub(fix, text)


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe").replace("Œ", "OE")


def place_name_key(name: str) -> str:
    """A key under which spellings of one place name meet.

    "Saint-Étienne", "ST ETIENNE" and "saint etienne" all give "SAINT ETIENNE"; the
    article apostrophe is a separator ("L'Haÿ-les-Roses" gives "L HAY LES ROSES").
    """
    words = _NON_ALNUM.sub(" ", fold_accents(name).upper()).split()
    return " ".join(_NAME_ABBREVIATIONS.get(word, word) for word in words)


# Street words written in full or abbreviated, as addresses come from several providers.
_STREET_ABBREVIATIONS = {
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "BLVD": "BOULEVARD",
    "CHE": "CHEMIN",
    "CHEM": "CHEMIN",
    "CRS": "COURS",
    "FBG": "FAUBOURG",
    "IMP": "IMPASSE",
    "PL": "PLACE",
    "PLE": "PLACE",
    "QU": "QUAI",
    "R": "RUE",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
    "ALL": "ALLEE",
    **_NAME_ABBREVIATIONS,
}


def address_key(address: str, postcode: str = "") -> str:
    """A key under which spellings of one street address meet.

    "12, bd Gambetta" and "12 BOULEVARD GAMBETTA" give the same key; the postcode, when
    given, keeps equal streets of two towns apart.
    """
    words = _NON_ALNUM.sub(" ", fold_accents(address).upper()).split()
    street = " ".join(_STREET_ABBREVIATIONS.get(word, word) for word in words)
    return f"{street} {postcode}".strip()


def normalise_spaces(text: str) -> str:
    return " ".join(text.split())
