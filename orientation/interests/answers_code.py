"""The answers written in a link: one character per statement, in the file's order (``0`` to
``4``, ``_`` for a statement not answered yet). The questionnaire keeps nothing: this link is
how a person goes on, goes back, or comes back to their result later."""

from __future__ import annotations

from orientation.interests.questionnaire import questionnaire

UNANSWERED = "_"


def decode(text: str) -> dict[str, int]:
    """The answers a link carries; characters beyond the statements, or off the scale, are
    left out (a link cut or edited by hand loses only what it lost)."""
    asked = questionnaire()
    answers = {}
    for item, char in zip(asked.items, text[: len(asked.items)], strict=False):
        if char.isdigit() and int(char) in asked.scale:
            answers[item.id] = int(char)
    return answers


def encode(answers: dict[str, int]) -> str:
    code = "".join(str(answers[item.id]) if item.id in answers else UNANSWERED for item in questionnaire().items)
    return code.rstrip(UNANSWERED)
