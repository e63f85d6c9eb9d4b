"""French text as the search sees it, the same for the indexed documents and the queries.

The engines fold case and accents and stem (Snowball French); what they cannot do is
done here: elided articles (« l’infirmière », « d’enfants ») lose their article, the
query words are taken one by one, without any operator a person did not mean, and the
feminine of a job title meets its masculine (« toiletteuse » and « toiletteur »), which
the stemmer does not always do.
"""

from __future__ import annotations

import re

from orientation.utils.text import fold_accents

_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’ʼ]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: words that carry no meaning in a search
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "mes",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
    ]
)
MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 40


def without_elision(text: str) -> str:
    return _ELISION.sub(" ", text)


def query_words(text: str) -> list[str]:
    """The meaningful words of what a person typed, in order, lowercased, at most 12."""
    words = []
    for word in _WORD.findall(without_elision(text or "")):
        word = word.lower()
        if word in STOP_WORDS or len(word) > MAX_WORD_LENGTH:
            continue
        words.append(word)
    return words[:MAX_QUERY_WORDS]


def folded(word: str) -> str:
    return fold_accents(word).lower()


#: feminine endings of job titles → masculine, the longest first (Snowball leaves these apart)
_FEMININE_ENDINGS = (
    ("trice", "teur"),
    ("euse", "eur"),
    ("ienne", "ien"),
    ("ière", "ier"),
    ("iere", "ier"),  # typed without its accent
    ("ère", "er"),
    ("ere", "er"),
    ("ive", "if"),
)
MIN_GENDERED_LENGTH = 6


def masculine(word: str) -> str:
    """The masculine of a feminine job-title word (« conductrice » → « conducteur »), else the word."""
    lowered = word.lower()
    if len(lowered) < MIN_GENDERED_LENGTH:
        return lowered
    for ending, replacement in _FEMININE_ENDINGS:
        if lowered.endswith(ending):
            return lowered[: -len(ending)] + replacement
        if lowered.endswith(ending + "s"):
            return lowered[: -len(ending) - 1] + replacement + "s"
    return lowered


def gender_variants(text: str) -> list[str]:
    """The masculine forms of the words of ``text`` that differ from them, to be indexed too."""
    words = query_words(text)
    seen = set(words)
    return [form for form in dict.fromkeys(masculine(word) for word in words) if form not in seen]


def unaccented_twins(text: str) -> str:
    """The accented words of ``text``, once each, without their accents (« Agent de sécurité » →
    « securite »): indexed beside the text, so that a word typed without accents, which Snowball
    stems otherwise (« securite » → « securit », « sécurité » → « secur »), meets it."""
    return " ".join(dict.fromkeys(folded(word) for word in _WORD.findall(text or "") if not word.isascii()))
