"""The questionnaire's statements and answer scale, read from ``data/items.json``; the answers
checked (every statement answered on the scale, or a problem naming the statement)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from orientation.occupations.models import Riasec

ITEMS_FILE = Path(__file__).resolve().parent / "data" / "items.json"
#: the six types in RIASEC order (the order of a tie, and of the chart)
TYPES = [choice.value for choice in Riasec]


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    text: str


@dataclass(frozen=True)
class Questionnaire:
    items: tuple[Item, ...]
    #: value → label (« Pas du tout » … « Énormément »)
    scale: dict[int, str]
    #: type → (name, what it means), in RIASEC order
    types: dict[str, tuple[str, str]]

    @property
    def top(self) -> int:
        return max(self.scale)

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}


class AnswersError(ValueError):
    """Answers that are not a full set on the scale; ``problems`` maps a statement to why."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{key} : {reason}" for key, reason in problems.items()))
        self.problems = problems


@cache
def questionnaire() -> Questionnaire:
    data: dict[str, Any] = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    items = tuple(Item(row["id"], row["type"], row["text"]) for row in data["items"])
    unknown = sorted({item.type for item in items} - set(TYPES))
    if unknown:
        raise ValueError(f"{ITEMS_FILE.name} : type RIASEC inconnu {unknown}")
    types = {kind: (data["types"][kind]["label"], data["types"][kind]["description"]) for kind in TYPES}
    return Questionnaire(items, {int(row["value"]): row["label"] for row in data["scale"]}, types)


def check_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    """The answers as statement → value, every statement answered on the scale; else an
    ``AnswersError`` naming each statement missing, unknown or off the scale."""
    known = questionnaire().by_id()
    scale = questionnaire().scale
    problems: dict[str, str] = {}
    checked: dict[str, int] = {}
    for key, value in answers.items():
        if key not in known:
            problems[key] = "énoncé inconnu"
            continue
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            problems[key] = f"réponse illisible : {value!r}"[:200]
            continue
        if number not in scale or isinstance(value, bool) or str(value).strip() != str(number):
            problems[key] = f"réponse hors de l’échelle {min(scale)} à {max(scale)} : {value!r}"
            continue
        checked[key] = number
    for key in known:
        if key not in answers:
            problems[key] = "sans réponse"
    if problems:
        raise AnswersError(problems)
    return checked
