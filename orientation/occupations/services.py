"""Writes derived from the ROME: what each fiche's skills say of the interests it calls on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from orientation.occupations.models import FicheSkill, Riasec, RomeFiche

#: a macro-skill's major type counts twice, its minor once (as a fiche's own major and minor)
MAJOR_WEIGHT, MINOR_WEIGHT = 2, 1
#: the macro-skills kept per type to say why a fiche is proposed
EXAMPLES = 3
TYPES = [choice.value for choice in Riasec]


@transaction.atomic
def fiches_skill_riasec_refresh(fiche_ids: Iterable[int] | None = None) -> int:
    """Recompute ``RomeFiche.skill_riasec`` from the macro-skills of each fiche's skills (a skill
    linked to the fiche directly, or through its macro-skill); returns the fiches written."""
    links = FicheSkill.objects.all()
    fiches = RomeFiche.objects.all()
    if fiche_ids is not None:
        ids = list(fiche_ids)
        links, fiches = links.filter(fiche_id__in=ids), fiches.filter(pk__in=ids)
    macros: dict[int, dict[int, tuple[str, str, str]]] = defaultdict(dict)
    rows = links.values_list(
        "fiche_id",
        "skill_id", "skill__label", "skill__riasec_major", "skill__riasec_minor",
        "skill__macro_id", "skill__macro__label", "skill__macro__riasec_major", "skill__macro__riasec_minor",
    )  # fmt: skip
    for fiche_id, skill, label, major, minor, macro, macro_label, macro_major, macro_minor in rows.iterator(2000):
        if major:
            macros[fiche_id][skill] = (label, major, minor)
        elif macro is not None and macro_major:
            macros[fiche_id][macro] = (macro_label, macro_major, macro_minor)
    written = []
    for fiche in fiches.only("pk", "skill_riasec"):
        weights = dict.fromkeys(TYPES, 0)
        examples: dict[str, list[str]] = {kind: [] for kind in TYPES}
        for label, major, minor in sorted(macros.get(fiche.pk, {}).values()):
            weights[major] += MAJOR_WEIGHT
            if minor in weights and minor != major:
                weights[minor] += MINOR_WEIGHT
            if len(examples[major]) < EXAMPLES:
                examples[major].append(label)
        value = {"weights": weights, "examples": examples} if any(weights.values()) else {}
        if fiche.skill_riasec != value:
            fiche.skill_riasec = value
            written.append(fiche)
    RomeFiche.objects.bulk_update(written, ["skill_riasec"], batch_size=500)
    return len(written)
