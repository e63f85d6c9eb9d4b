"""A profile from the answers, and the occupations that agree with it.

**Scores.** A type's score is the mean of its statements' answers over the scale's top, from 0
(« pas du tout » to all) to 100 (« énormément » to all).

**Code.** The person's code is their strongest types, strongest first: three letters, or two or
one when the next type scores the same as the ones left out (a code does not pick one of
several equal types at random). Equal types within the code keep the RIASEC order (R, I, A, S,
E, C), so the same answers always give the same code.

**A flat profile** (every score within ``FLAT_SPREAD`` points of the others) says so: it names
no code and proposes no occupation rather than pretending that one type stands out.

**Occupations.** A ROME fiche has a major RIASEC type and often a minor one. Its own fit is the
score of its major type, counted twice, plus that of its minor type (or the major again when it
has none), over three. The ROME also gives each macro-skill a major and a minor type: the types
of the fiche's macro-skills, weighed 2 for a major and 1 for a minor
(``occupations.services.fiches_skill_riasec_refresh``), give its skills' fit, the mean of the
person's scores under those weights. A fiche's fit is its own fit counted twice plus its skills'
fit, over three; its own fit alone when its skills have no type. So a fiche whose major is the
person's strongest type comes first, and among those, the one whose skills call most on the
person's interests. Equal fits keep the ROME code's order. Each fiche says why it is proposed:
the statements of its major type the person liked most, the profile it asks for, and up to two
of its macro-skills of the person's strongest types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class FicheTypes:
    """What the ranking reads of a ROME fiche."""

    code: str
    title: str
    major: str
    minor: str = ""
    #: type → weight of the fiche's macro-skills (``RomeFiche.skill_riasec["weights"]``)
    skill_weights: Mapping[str, int] = field(default_factory=dict)
    #: type → some of its macro-skills of that type, to say why
    skill_examples: Mapping[str, list[str]] = field(default_factory=dict)


def _liked(result: Profile, kind: str, count: int = 2) -> list[Item]:
    items = [item for item in questionnaire().items if item.type == kind]
    items.sort(key=lambda item: (-result.answers[item.id], item.id))
    return [item for item in items[:count] if result.answers[item.id] > 0]


def fit(result: Profile, major: str, minor: str, skill_weights: Mapping[str, int] | None = None) -> float:
    if major not in result.scores:
        return 0.0
    second = result.scores.get(minor, result.scores[major])
    own = (2 * result.scores[major] + second) / 3
    weights = {kind: weight for kind, weight in (skill_weights or {}).items() if kind in result.scores and weight}
    if not weights:
        return round(own, 1)
    skills = sum(result.scores[kind] * weight for kind, weight in weights.items()) / sum(weights.values())
    return round((2 * own + skills) / 3, 1)


def why(result: Profile, fiche: FicheTypes) -> str:
    major, minor = fiche.major, fiche.minor
    liked = _liked(result, major)
    demands = LABELS[major] + (f" et {LABELS[minor]}" if minor and minor != major else "")
    parts = []
    if liked:
        parts.append("vous aimez : " + " ; ".join(item.text[0].lower() + item.text[1:] for item in liked))
    parts.append(f"ce métier demande un profil {demands.lower()}")
    strongest = result.code or "".join(sorted(result.scores, key=lambda kind: -result.scores[kind]))[:2]
    examples = [label for kind in strongest for label in fiche.skill_examples.get(kind, [])][:2]
    if examples:
        parts.append("par exemple : " + " ; ".join(label[0].lower() + label[1:] for label in examples))
    return " ; ".join(parts)


def rank(result: Profile, fiches: Iterable[FicheTypes], *, limit: int = 20) -> list[Proposal]:
    """The fiches that agree best with the profile; none for a flat one."""
    if result.flat:
        return []
    proposals = [
        Proposal(
            fiche.code, fiche.title, fit(result, fiche.major, fiche.minor, fiche.skill_weights), why(result, fiche)
        )
        for fiche in fiches
        if fiche.major
    ]
    proposals.sort(key=lambda proposal: (-proposal.fit, proposal.code))
    return proposals[:limit]
