"""Job titles in both genders, from the way the ROME writes them.

The ROME writes "Conducteur / Conductrice d'engins agricoles": the words before the
slash are the masculine form of as many words after it, and the rest is shared.
"""

from __future__ import annotations

SEPARATOR = " / "


def gendered_forms(label: str) -> tuple[str, str]:
    """Return (masculine, feminine) for a ROME title.

    >>> gendered_forms("Conducteur / Conductrice d'engins agricoles")
    ("Conducteur d'engins agricoles", "Conductrice d'engins agricoles")
    >>> gendered_forms("Ingénieur / Ingénieure Chef / Cheffe de projet CVC")
    ('Ingénieur Chef de projet CVC', 'Ingénieure Cheffe de projet CVC')
    """
    label = " ".join(label.split())
    segments = label.split(SEPARATOR)
    if len(segments) == 1:
        return label, label
    masculine: list[str] = []
    feminine: list[str] = []
    pending = segments[0].split()
    for index, segment in enumerate(segments[1:], start=1):
        words = segment.split()
        count = min(len(pending), len(words))
        masculine.extend(pending)
        feminine.extend(words[:count])
        rest = words[count:]
        if index == len(segments) - 1:
            masculine.extend(rest)
            feminine.extend(rest)
        else:
            pending = rest
    return " ".join(masculine), " ".join(feminine)
