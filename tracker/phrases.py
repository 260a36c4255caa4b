"""Finding a vocabulary's phrases in a text, all at once (Aho-Corasick, pyahocorasick).

Thousands of phrases against a hundred thousand abstracts: one automaton per facet scans
each text once, whatever the number of phrases. Text and phrases are normalised alike
(accents, punctuation and HTML entities gone, lower case) so "naturalisation" written
"Naturalisation," is found; phrases in capitals ("US", "UAE") are matched in capitals only,
so the pronoun "us" is not the United States. A phrase ending in `*` matches any word that
begins so. Where matches overlap, the longest wins: "Latin American" hides "American".

`InflectedMatcher` finds English phrases in any inflection of their words ("intentions to
stay" for "intention to stay", "experiences of discrimination" for "experience of
discrimination"): phrase and text are both reduced to Snowball stems (PyStemmer) first.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, pairwise

import ahocorasick
import Stemmer

_NOT_WORD = re.compile(r"[^\w|]+|_+")
#: The end of a sentence or clause (".", "?", "!", ";", ":" before a space) becomes "|", a
#: word no phrase holds, so no phrase is found across two sentences.
_CLAUSE_END = re.compile(r"[.?!;:](?=\s)")


def normalise(text: str, keep_case: bool = False) -> str:
    """Accents, punctuation and entities gone, one space between words, wrapped in spaces
    (so every word has a boundary on each side). The same length with or without case,
    so positions agree between the two."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", _CLAUSE_END.sub(" | ", text.replace("|", " "))).strip()
    return f" {text if keep_case else text.lower()} "


def _is_acronym(phrase: str) -> bool:
    letters = phrase.replace(".", "").replace(" ", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 6


@dataclass(frozen=True, slots=True)
class Text:
    """A text normalised once, in lower case (for matching) and in its own case (for
    capitals-only phrases and for showing evidence); the same positions in both."""

    lowered: str
    cased: str

    @classmethod
    def of(cls, raw: str) -> Text:
        cased = normalise(raw, keep_case=True)
        return cls(cased.lower(), cased)


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase found: where (in the normalised text), what it says, and its payload."""

    start: int
    end: int
    text: str
    payload: Hashable
    group: Hashable = None  # with `scan(unwrap=True)`: the first half of a (group, payload) pair


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

    def find(self, text: str | Text) -> list[Match]:
        """The phrases in `text`, overlaps resolved (the longest match wins)."""
        return longest_first(self.scan(text if isinstance(text, Text) else Text.of(text)))

    def scan(self, text: Text, unwrap: bool = False) -> list[Match]:
        """Every phrase in `text`, overlapping or not (see `longest_first`). With `unwrap`,
        payloads given as (group, payload) pairs come back split into the two fields."""
        lowered, cased = text.lowered, text.cased
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
                    group = None
                    if unwrap:
                        group, payload = payload  # noqa: PLW2901
                    found.append(Match(start, stop + 1, cased[start : stop + 1], payload, group))
        return found


@cache
def _english() -> Stemmer.Stemmer:
    """Snowball's English stemmer, one per process: it keeps a cache of the words it has
    stemmed, and an abstract's words repeat across a library."""
    return Stemmer.Stemmer("english")


def _english_stems(phrase: str) -> str:
    """A phrase's words as stems, in the form `InflectedMatcher` matches: " stem stem "."""
    return f" {' '.join(_english().stemWords(normalise(phrase.replace('*', ' ')).split()))} "


class InflectedMatcher:
    """English phrases found in any inflection of their words. Both sides are stemmed, so
    "intention to stay" finds "intentions to stay" and "citizenship acquisition" finds
    "citizenship acquisitions"; the match is reported in the text's own words and
    positions, like `PhraseMatcher`'s, so the two merge. Meant for phrases of several
    words, where the other words keep a stem to its sense: a single word's stem is too
    loose ("employers" stems like "employment", "natural" like "naturalized")."""

    def __init__(self, phrases: Iterable[tuple[str, Hashable]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for phrase, payload in phrases:
            key = _english_stems(phrase)
            if len(key) < 4:
                continue
            entries = self._automaton.get(key) if key in self._automaton else []
            self._automaton.add_word(key, [*entries, (payload, len(key))])
        if len(self._automaton):
            self._automaton.make_automaton()

    def scan(self, text: Text, unwrap: bool = False) -> list[Match]:
        """Every phrase in `text`, as `PhraseMatcher.scan` gives them."""
        if not len(self._automaton):
            return []
        found: list[Match] = []
        for start, stop in _pieces(text.lowered):
            found.extend(self._scan_piece(text, start, stop, unwrap))
        return found

    def _scan_piece(self, text: Text, offset: int, end_of_piece: int, unwrap: bool) -> list[Match]:
        words = text.lowered[offset:end_of_piece].split()
        stems = _english().stemWords(words)
        stemmed = f" {' '.join(stems)} "
        found: list[Match] = []
        starts: list[int] = []  # where each word's stem starts in `stemmed`, once a phrase is found
        for end, entries in self._automaton.iter(stemmed):
            if not starts:
                # `normalise` leaves one space between words, so each word starts one
                # character after the previous one ends, in the text and in its stems alike
                starts = list(accumulate((len(stem) + 1 for stem in stems[:-1]), initial=1))
                word_starts = list(accumulate((len(word) + 1 for word in words[:-1]), initial=offset + 1))
            for payload, length in entries:
                first = bisect_left(starts, end - length + 2)
                last = bisect_right(starts, end - 1) - 1
                start, stop = word_starts[first], word_starts[last] + len(words[last])
                group = None
                if unwrap:
                    group, payload = payload  # noqa: PLW2901
                found.append(Match(start, stop, text.cased[start:stop], payload, group))
        return found


#: The most characters of a text stemmed at once: a 16 MB abstract is stemmed a megabyte at a
#: time, not as millions of words held together (150 MB more at its peak).
PIECE_CHARACTERS = 1 << 20


def _pieces(lowered: str) -> Iterator[tuple[int, int]]:
    """A normalised text as (start, stop) spans of at most about `PIECE_CHARACTERS`, each
    beginning and ending with a space and cut at a clause's end where there is one, so no
    phrase is lost at a cut (phrases never cross a clause's end); a piece without one is cut
    between two words."""
    start, end = 0, len(lowered)
    while end - start > PIECE_CHARACTERS:
        limit = start + PIECE_CHARACTERS
        cut = lowered.rfind(" | ", start + 1, limit)
        cut = cut + 2 if cut != -1 else lowered.rfind(" ", start + 1, limit)
        if cut == -1:  # one word longer than a piece
            cut = lowered.index(" ", limit)
        yield start, cut + 1
        start = cut
    yield start, end


def longest_first(matches: list[Match]) -> list[Match]:
    """Keep, of overlapping matches, the longest (the earliest among equals), and every
    payload of a span kept; in text order."""
    ordered = sorted(set(matches), key=lambda m: (m.start, m.end))
    if all(a.end <= b.start or (a.start, a.end) == (b.start, b.end) for a, b in pairwise(ordered)):
        return ordered  # nothing overlaps (the usual case): nothing to choose
    kept: list[Match] = []
    spans: set[tuple[int, int]] = set()
    taken: set[int] = set()  # character positions covered by a kept span
    for match in sorted(set(matches), key=lambda m: (m.start - m.end, m.start)):
        span = (match.start, match.end)
        if span in spans or taken.isdisjoint(range(match.start, match.end)):
            kept.append(match)
            spans.add(span)
            taken.update(range(match.start, match.end))
    return sorted(kept, key=lambda m: (m.start, m.end))
