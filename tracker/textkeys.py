"""Text folded for comparison: the same title written two ways folds to one string.

Used wherever records are compared by their words (attaching abstracts now, matching
duplicates later): accents, case, LaTeX leftovers, punctuation and HTML entities go.
"""

from __future__ import annotations

import html
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NUMBERS = re.compile(r"\b(?:\d+|[ivxlc]+)\b")


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces."""
    text = html.unescape(text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", stripped.casefold()).strip()


def numbers_in(folded: str) -> list[str]:
    """Numbers and roman numerals of a folded title: `Part I` and `Part II` differ here."""
    return _NUMBERS.findall(folded)
