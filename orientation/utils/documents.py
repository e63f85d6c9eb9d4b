"""Documents exchanged as JSON and checked against a JSON Schema kept in the repository
(``referral-v1.json``, ``passport-v1.json``): every way a document breaks its schema, each named
by the path of its field. And the licence of every document the service publishes (the API's
catalogue pages, the open-data files, the statistics)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

#: the licence of what the service publishes (the Onisep's studies: ODbL, said where they are)
LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field} : {self.reason}"


@cache
def load_schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def problems(schema: dict[str, Any], document: Any) -> list[Problem]:
    """Every way ``document`` breaks ``schema``, in the order of the fields' paths."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda error: [str(part) for part in error.absolute_path]):
        path = "/".join(str(part) for part in error.absolute_path) or "(document)"
        found.append(Problem(path, error.message))
    return found
