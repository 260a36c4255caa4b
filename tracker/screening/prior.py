"""Where the screening queue starts before a library has decisions of its own: rules a
curator can read, in `tracker/vocab/screening.toml` (`[prior]`).

A study that uses MIPEX is about migrants, about their integration policy and usually
about several countries or a measure of policy. Each family of cues found adds its weight
once (in log-odds, from `base`), so the score says how many of those a study shows, not how
often one word recurs; a study of bird migration stays at the bottom. The families fired
are the score's reasons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from tracker.phrases import PhraseMatcher, Text
from tracker.screening.vocabulary import phrases_of, screening_vocabulary
from tracker.vocab import load_vocabulary


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class PriorScore:
    score: float  # 0-1
    reasons: tuple[str, ...]  # the families of cues found, in words
    phrases: tuple[str, ...]  # the words that fired them, as written


@cache
def _families() -> tuple[float, tuple[Family, ...], PhraseMatcher]:
    table = screening_vocabulary()["prior"]
    families: list[Family] = []
    phrases: list[tuple[str, str]] = []
    for name, section in table.items():
        if not isinstance(section, dict):
            continue
        families.append(Family(name, str(section["label"]), float(section["weight"])))
        found = phrases_of(section, f"prior.{name}")
        if section.get("from_areas"):
            found += [p for term in load_vocabulary("area").terms.values() for p, _ in term.all_phrases()]
        phrases += [(phrase, name) for phrase in found]
    return float(table.get("base", -4.6)), tuple(families), PhraseMatcher(phrases)


def prior_score(text: str) -> PriorScore:
    """The rules' estimate that a study (its title, abstract and keywords in one text)
    uses MIPEX, with the reasons."""
    base, families, matcher = _families()
    fired: dict[str, list[str]] = {}
    for match in matcher.scan(Text.of(text)):  # overlaps count: "integration policy" is policy too
        fired.setdefault(str(match.payload), []).append(match.text)
    logit = base + sum(f.weight for f in families if f.name in fired)
    reasons = tuple(f.label for f in families if f.name in fired)
    phrases = tuple(dict.fromkeys(p for f in families for p in fired.get(f.name, [])))
    return PriorScore(1 / (1 + math.exp(-logit)), reasons, phrases)
