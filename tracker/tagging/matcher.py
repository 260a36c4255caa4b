"""Finding a vocabulary's phrases in a text, all at once (Aho-Corasick, pyahocorasick).

Thousands of phrases against a hundred thousand abstracts: one automaton per facet scans
each text once, whatever the number of phrases. Text and phrases are normalised alike
(accents, punctuation and HTML entities gone, lower case) so "naturalisation" written
"Naturalisation," is found; phrases in capitals ("US", "UAE") are matched in capitals only,
so the pronoun "us" is not the United States. A phrase ending in `*` matches any word that
begins so. Where matches overlap, the longest wins: "Latin American" hides "American".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import ahocorasick

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str, keep_case: bool = False) -> str:
    """Accents, punctuation and entities gone, one space between words, wrapped in spaces
    (so every word has a boundary on each side). The same length with or without case,
    so positions agree between the two."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", text).strip()
    return f" {text if keep_case else text.lower()} "


def _is_acronym(phrase: str) -> bool:
    letters = phrase.replace(".", "").replace(" ", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 6


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase found: where (in the normalised text), what it says, and its payload."""

    start: int
    end: int
    text: str
    payload: Hashable


class PhraseMatcher:
    """Every phrase of a vocabulary, compiled once; `find` scans a text once."""

    def __init__(self, phrases: Iterable[tuple[str, Hashable]]) -> None:
        self._plain = ahocorasick.Automaton()
        self._acronyms = ahocorasick.Automaton()
        for phrase, payload in phrases:
            prefix = phrase.endswith("*")
            body = phrase.rstrip("*").strip()
            acronym = _is_acronym(body)
            key = normalise(body, keep_case=acronym).rstrip()  # " word word", plus " " unless a prefix
            if len(key) < 3:
                continue
            if not prefix:
                key += " "
            automaton = self._acronyms if acronym else self._plain
            entries = automaton.get(key) if key in automaton else []
            automaton.add_word(key, [*entries, (payload, prefix, len(key))])
        for automaton in (self._plain, self._acronyms):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """The phrases in `text`, overlaps resolved (the longest match wins)."""
        lowered, cased = normalise(text), normalise(text, keep_case=True)
        found: list[Match] = []
        for automaton, haystack in ((self._plain, lowered), (self._acronyms, cased)):
            if not len(automaton):
                continue
            for end, entries in automaton.iter(haystack):
                for payload, prefix, length in entries:
                    start = end - length + 2  # after the leading space
                    stop = end  # the last character matched, inclusive
                    if prefix:
                        stop = haystack.index(" ", end + 1) - 1  # the word goes on to its end
                    elif haystack[stop] == " ":
                        stop -= 1
                    found.append(Match(start, stop + 1, cased[start : stop + 1], payload))
        return _longest_first(found)


def _longest_first(matches: list[Match]) -> list[Match]:
    """Keep, of overlapping matches, the longest (the earliest among equals); in order."""
    kept: list[Match] = []
    taken: list[tuple[int, int]] = []
    for match in sorted(set(matches), key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= a or match.start >= b for a, b in taken) or any(
            (match.start, match.end) == span for span in taken
        ):
            kept.append(match)
            taken.append((match.start, match.end))
    return sorted(kept, key=lambda m: (m.start, m.end))
