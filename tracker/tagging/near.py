"""Codes named by two words near each other, where a phrase list cannot hold every wording.

"Attitudes toward newly arrived refugees", "refugee-hosting backlash", "sentiment about
migration": an outcome is often named by a head word (attitudes, sentiment, backlash) and
what it is about (refugees, migration) with other words between, in either order. A rule in
the vocabulary (`near` in tracker/vocab/outcome.toml) names both lists and the largest gap;
a match never crosses the end of a clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Sequence
from functools import cache

from tracker.phrases import Match, Text
from tracker.vocab import Near

_WORD = re.compile(r"\S+")
_CLAUSE_END = "|"


@cache
def _word_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex finding any of the words (a trailing * matches a prefix) in a normalised
    text, where every word has a space on each side."""
    parts = [re.escape(p[:-1]) + r"\S*" if p.endswith("*") else re.escape(p) for p in patterns]
    return re.compile(r"(?<= )(?:" + "|".join(parts) + r")(?= )")


def near_matches(text: Text, rules: Sequence[tuple[Hashable, Near]]) -> list[Match]:
    """Every head within its rule's window of an object, as a match spanning both. The
    regexes run in C over the whole text; words are only counted where a head was found."""
    found: list[Match] = []
    starts: list[int] | None = None
    words: dict[int, int] = {}  # a word's start -> its number in the text
    for payload, near in rules:
        heads = [m.start() for m in _word_pattern(near.heads).finditer(text.lowered)]
        if not heads:
            continue
        objects = [m.start() for m in _word_pattern(near.objects).finditer(text.lowered)]
        if not objects:
            continue
        if starts is None:  # counted once a text, for the first rule that needs them
            starts = [m.start() for m in _WORD.finditer(text.lowered)]
            words = {start: index for index, start in enumerate(starts)}
        object_words = [words[o] for o in objects]  # ascending, as found
        reach = near.window + 1
        for head_start in heads:
            head = words[head_start]
            # only the objects within reach, found by bisection: comparing every head with every
            # object took minutes on a text that repeats both thousands of times
            close = object_words[bisect_left(object_words, head - reach) : bisect_right(object_words, head + reach)]
            partner = next(
                (
                    o
                    for o in sorted(close, key=lambda o: abs(o - head))
                    if 0 < abs(o - head) <= reach
                    and _CLAUSE_END not in text.lowered[starts[min(o, head)] : starts[max(o, head)]].split()
                ),
                None,
            )
            if partner is None:
                continue
            first, last = starts[min(head, partner)], starts[max(head, partner)]
            end = text.lowered.index(" ", last)
            found.append(Match(first, end, text.cased[first:end], payload))
    return found
