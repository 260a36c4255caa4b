"""Codes named by two words near each other, where a phrase list cannot hold every wording.

"Attitudes toward newly arrived refugees", "refugee-hosting backlash", "sentiment about
migration": an outcome is often named by a head word (attitudes, sentiment, backlash) and
what it is about (refugees, migration) with other words between, in either order. A rule in
the vocabulary (`near` in tracker/vocab/outcome.toml) names both lists and the largest gap;
a match never crosses the end of a clause.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

from tracker.phrases import Match, Text
from tracker.vocab import Near

_WORD = re.compile(r"\S+")
_CLAUSE_END = "|"


def _matches(word: str, patterns: Sequence[str]) -> bool:
    return any(word.startswith(p[:-1]) if p.endswith("*") else word == p for p in patterns)


def near_matches(text: Text, rules: Sequence[tuple[Hashable, Near]]) -> list[Match]:
    """Every head within its rule's window of an object, as a match spanning both."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text.lowered)]
    found: list[Match] = []
    for payload, near in rules:
        heads = [i for i, (_, _, w) in enumerate(words) if _matches(w, near.heads)]
        if not heads:
            continue
        objects = [i for i, (_, _, w) in enumerate(words) if _matches(w, near.objects)]
        for head in heads:
            partner = next(
                (
                    o
                    for o in sorted(objects, key=lambda o: abs(o - head))
                    if 0 < abs(o - head) <= near.window + 1
                    and all(words[i][2] != _CLAUSE_END for i in range(min(o, head), max(o, head)))
                ),
                None,
            )
            if partner is None:
                continue
            start, end = words[min(head, partner)][0], words[max(head, partner)][1]
            found.append(Match(start, end, text.cased[start:end], payload))
    return found
