"""Text folded for comparison: the same title written two ways folds to one string.

Used wherever records are compared by their words (attaching abstracts now, matching
duplicates later): accents, case, LaTeX leftovers, punctuation and HTML entities go.
"""

from __future__ import annotations

import html
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
_ROMAN_AFTER_WORD = re.compile(
    r"\b(?:part|vol|volume|chapter|book|phase|section|study|no|number|edition)\s+([ivxlc]+)\b"
)
_ROMAN_LONG = re.compile(r"\b(ii|iii|iv|vi|vii|viii|ix|xi|xii|xiii|xiv|xv|xvi|xvii|xviii|xix|xx)\b")
_FOOTNOTE_MARK = re.compile(r"(?<=[a-z])\d+$")


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces. (Plain ASCII, most text in
    a bibliography, skips the Unicode steps: deduplication folds every field it reads.)"""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def numbers_in(folded: str) -> list[str]:
    """Numbers (also glued to a word: `12years`) and Roman numerals of a folded title:
    `Part I` and `Part II` differ here."""
    text = _FOOTNOTE_MARK.sub("", folded)  # "aspen1": a footnote marker, not a number
    romans = _ROMAN_AFTER_WORD.findall(text) + _ROMAN_LONG.findall(text)
    return _DIGITS.findall(text) + sorted(set(romans))
