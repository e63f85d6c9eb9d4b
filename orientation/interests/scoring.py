"""A profile from the answers, and the occupations that agree with it.

**Scores.** A type's score is the mean of its statements' answers over the scale's top, from 0
(« pas du tout » to all) to 100 (« énormément » to all).

**Code.** The person's code is their strongest types, strongest first: three letters, or two or
one when the next type scores the same as the ones left out (a code does not pick one of
several equal types at random). Equal types within the code keep the RIASEC order (R, I, A, S,
E, C), so the same answers always give the same code.

**A flat profile** (every score within ``FLAT_SPREAD`` points of the others) says so: it names
no code and proposes no occupation rather than pretending that one type stands out.

**Occupations.** A ROME fiche has a major RIASEC type and often a minor one. Its fit is the
score of its major type, counted twice, plus that of its minor type (or the major again when it
has none), over three: a fiche whose major is the person's strongest type comes first. Equal
fits keep the ROME code's order. Each fiche says why it is proposed, with the statements of its
major type the person liked most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orientation.interests.questionnaire import TYPES, Item, questionnaire
from orientation.occupations.models import Riasec

FLAT_SPREAD = 15.0
LABELS = {choice.value: str(choice.label) for choice in Riasec}


@dataclass(frozen=True)
class Profile:
    #: type → 0–100
    scores: dict[str, float]
    #: the three strongest types, strongest first; "" for a flat profile
    code: str
    flat: bool
    answers: dict[str, int]


def profile(answers: Mapping[str, int]) -> Profile:
    """The profile of checked answers (``questionnaire.check_answers``)."""
    asked = questionnaire()
    by_type: dict[str, list[int]] = {kind: [] for kind in TYPES}
    for item in asked.items:
        by_type[item.type].append(answers[item.id])
    scores = {kind: round(100 * sum(values) / (len(values) * asked.top), 1) for kind, values in by_type.items()}
    flat = max(scores.values()) - min(scores.values()) < FLAT_SPREAD
    ranked = sorted(TYPES, key=lambda kind: (-scores[kind], TYPES.index(kind)))
    # the longest code (3, 2, then 1 letter) whose last type scores more than the next one
    length = next((k for k in (3, 2, 1) if scores[ranked[k - 1]] > scores[ranked[k]]), 3)
    return Profile(scores=scores, code="" if flat else "".join(ranked[:length]), flat=flat, answers=dict(answers))


@dataclass(frozen=True)
class Proposal:
    code: str
    title: str
    fit: float
    why: str


def _liked(result: Profile, kind: str, count: int = 2) -> list[Item]:
    items = [item for item in questionnaire().items if item.type == kind]
    items.sort(key=lambda item: (-result.answers[item.id], item.id))
    return [item for item in items[:count] if result.answers[item.id] > 0]


def fit(result: Profile, major: str, minor: str) -> float:
    if major not in result.scores:
        return 0.0
    second = result.scores.get(minor, result.scores[major])
    return round((2 * result.scores[major] + second) / 3, 1)


def why(result: Profile, major: str, minor: str) -> str:
    liked = _liked(result, major)
    demands = LABELS[major] + (f" et {LABELS[minor]}" if minor and minor != major else "")
    if not liked:
        return f"ce métier demande un profil {demands.lower()}"
    said = " ; ".join(item.text[0].lower() + item.text[1:] for item in liked)
    return f"vous aimez : {said} ; ce métier demande un profil {demands.lower()}"


def rank(result: Profile, fiches: Iterable[tuple[str, str, str, str]], *, limit: int = 20) -> list[Proposal]:
    """The fiches (code, title, major, minor) that agree best with the profile; none for a
    flat one."""
    if result.flat:
        return []
    proposals = [
        Proposal(code, title, fit(result, major, minor), why(result, major, minor))
        for code, title, major, minor in fiches
        if major
    ]
    proposals.sort(key=lambda proposal: (-proposal.fit, proposal.code))
    return proposals[:limit]
