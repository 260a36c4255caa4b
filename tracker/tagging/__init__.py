"""Proposing tags for a study from its title, abstract and keywords, with the evidence.

Four facets (codes as ../shared/gold/README.md defines them): `area`, `country`,
`outcome` and `use`. Each proposal carries a confidence and its evidence — the phrases
found and the rule that weighed them — because a curator must see why before trusting a
tag, and corrects it with a curator tag that no later run undoes.

The rules, in the curator's words:
- countries: the country studied, not of origin (see `countries`); the regions and cities
  named are kept as `place` keywords (for local and regional evidence), countries outside
  MIPEX as `other_country` keywords — never as country codes;
- areas: a strand when the study is about its policy — named in the title, or more than
  once in the abstract; `overall` for integration policy as a whole, alone only when no
  strand is singled out, and only on evidence (the index or integration policy as a whole
  named), never as a default;
- outcomes: what is measured or explained — named in the title, or more than once, or
  once in a study that explains outcomes; a study that only compares policies has none
  unless its title names one, a study of measuring policy none at all; a word inside a
  phrase that names a policy ("health" in "access to health care") is the policy;
- use: one value — `measures_policy` when measuring or an index is what the study is
  about (the title says so), `explains_outcomes` when an outcome is what it studies (in
  the title, or named again and again, or with words of explanation), else
  `compares_policies`.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from tracker.phrases import InflectedMatcher, Match, PhraseMatcher, Text, longest_first, normalise
from tracker.screening.vocabulary import mipex_evidence
from tracker.tagging.countries import country_phrases, judge
from tracker.tagging.near import near_matches
from tracker.vocab import STAR_INSIDE, Near, load_vocabulary

TITLE_WEIGHT, ABSTRACT_WEIGHT = 3, 1
#: Phrases kept as a tag's evidence: enough for a curator to see why; a text that names a
#: code ten thousand times gives its first few, not a list as long as the text.
MOST_EVIDENCE = 20


@dataclass(slots=True)
class Proposal:
    """One proposed tag."""

    facet: str
    code: str
    confidence: float  # 0-1
    evidence: list[str] = field(default_factory=list)  # phrases, as found
    rule: str = ""


@dataclass(slots=True)
class Tagging:
    """Everything proposed for one study."""

    proposals: list[Proposal] = field(default_factory=list)

    def codes(self, facet: str) -> list[str]:
        return sorted(p.code for p in self.proposals if p.facet == facet)


@cache
def _matcher() -> PhraseMatcher:
    """One automaton for every facet's phrases: each part of a study is scanned once."""
    phrases: list[tuple[str, tuple[str, object]]] = [(p, ("country", payload)) for p, payload in country_phrases()]
    for facet in ("area", "outcome", "use"):
        vocabulary = load_vocabulary(facet)
        phrases += [(phrase, (facet, None)) for phrase in vocabulary.blockers]
        phrases += [
            (phrase, (facet, code)) for code, term in vocabulary.terms.items() for phrase, _ in term.all_phrases()
        ]
    return PhraseMatcher(phrases)


#: Facets whose English phrases of several words are found in any inflection ("intentions to
#: stay", "experiences of discrimination"). Not areas: a strand's policy is named in set
#: phrases, and inflected ones measured worse on the labelled studies (F1 0.898 -> 0.890).
INFLECTED_FACETS = ("outcome", "use")


def _inflected_phrase(facet: str, phrase: str) -> bool:
    """Whether an English phrase is also matched in any inflection: a phrase of several
    words of an inflected facet, or any phrase with a `*` inside ("model* of integration"),
    which asks for it. One ending in `*` already matches its own forms."""
    if phrase.endswith("*") or phrase.isupper():
        return False
    return "*" in phrase or (facet in INFLECTED_FACETS and len(normalise(phrase).split()) > 1)


@cache
def _inflected_matcher() -> InflectedMatcher:
    """The English phrases also found in any inflection, beside `_matcher`'s exact ones:
    studies write the vocabulary's phrases in the plural and in other forms of their words,
    and listing each form by hand is what let "intentions to stay" go unfound."""
    return InflectedMatcher(
        (phrase, (facet, code))
        for facet in STAR_INSIDE
        for code, term in load_vocabulary(facet).terms.items()
        for phrase in term.phrases.get("en", ())
        if _inflected_phrase(facet, phrase)
    )


@cache
def _labels(facet: str) -> dict[str, str]:
    """Codes by their own names of two words or more (one word, "health", is too common)."""
    labels = {normalise(term.label).strip(): code for code, term in load_vocabulary(facet).terms.items()}
    return {label: code for label, code in labels.items() if " " in label}


@cache
def _near_rules(facet: str) -> tuple[tuple[str, Near], ...]:
    """The facet's codes named by words near each other (see `tracker.tagging.near`)."""
    return tuple((code, term.near) for code, term in load_vocabulary(facet).terms.items() if term.near)


@dataclass(slots=True)
class _Scanned:
    """One part of a study (title or abstract), scanned once, matches by facet."""

    text: Text
    by_facet: dict[str, list[Match]]

    @classmethod
    def of(cls, raw: str) -> _Scanned:
        text = Text.of(raw)
        grouped: dict[str, list[Match]] = defaultdict(list)
        for match in [*_matcher().scan(text, unwrap=True), *_inflected_matcher().scan(text, unwrap=True)]:
            grouped[match.group].append(match)
        for facet in ("outcome",):
            grouped[facet].extend(near_matches(text, _near_rules(facet)))
        grouped["country"] = _not_inside_concepts(grouped.get("country", []), grouped, "country")
        # an outcome word inside a phrase that names a policy ("health" in "access to health
        # care", "salud" in "salud pública") is the policy the study is about, not what it measures
        policies = {"area": grouped.get("area", [])}
        grouped["outcome"] = _not_inside_concepts(grouped.get("outcome", []), policies, "outcome")
        return cls(text, {facet: longest_first(matches) for facet, matches in grouped.items()})


def _not_inside_concepts(found: list[Match], grouped: dict[str, list[Match]], facet: str) -> list[Match]:
    """The matches of `facet` that are not part of a longer phrase another facet knows:
    "Reunion" in "Family Reunion" is the policy area, not the island; a place names a place
    only on its own. A phrase that holds a match starts at most the longest phrase's length
    before it, so each match looks at those few (by bisection), not at every phrase of the
    text: a text of a million phrases took hours, compared pair by pair."""
    concepts = sorted((m.start, m.end) for other, matches in grouped.items() if other != facet for m in matches)
    if not concepts or not found:
        return found
    starts = [start for start, _ in concepts]
    longest = max(end - start for start, end in concepts)

    def inside(match: Match) -> bool:
        length = match.end - match.start
        return any(
            end >= match.end and end - start > length
            for start, end in concepts[bisect_left(starts, match.end - longest) : bisect_right(starts, match.start)]
        )

    return [match for match in found if not inside(match)]


#: Words just before a phrase that deny it ("not labour market access but ...", "rather
#: than integration policy as a whole"): the phrase does not count for a strand or a use.
_NEGATIONS = ("not", "rather than", "instead of", "neither", "nor", "nicht", "kein", "keine", "pas", "non")


def _negated(text: Text, match: Match) -> bool:
    before = " ".join(text.lowered[max(0, match.start - 30) : match.start].split()[-2:])
    return any(before == cue or before.endswith(f" {cue}") for cue in _NEGATIONS)


def _weighed(facet: str, parts: list[tuple[_Scanned, int]]) -> dict[str, tuple[int, list[str]]]:
    """Each code's weight and the phrases found: a title mention counts more, and so does
    a code's own name ("access to nationality" is the strand, said outright). A strand or a
    use that the text denies ("not MIPEX as a whole") does not count; an outcome does, for
    a study that finds policy does *not* affect health still measures health. The first
    `MOST_EVIDENCE` phrases of a code are its evidence; every one counts in its weight."""
    weights: dict[str, int] = defaultdict(int)
    evidence: dict[str, list[str]] = defaultdict(list)
    labels = _labels(facet)
    for scanned, weight in parts:
        for match in scanned.by_facet.get(facet, []):
            if match.payload is None or (facet in ("area", "use") and _negated(scanned.text, match)):
                continue
            code = str(match.payload)
            own_name = labels.get(match.text.lower()) == code and facet != "area"
            weights[code] += weight + own_name
            if len(evidence[code]) < MOST_EVIDENCE:
                evidence[code].append(match.text)
    return {code: (total, evidence[code]) for code, total in weights.items()}


def _confidence(weight: int) -> float:
    return round(min(1.0, 0.35 + 0.15 * weight), 2)


#: Where a publisher's notice starts ("© 2019 Springer-Verlag Berlin Heidelberg", "Copyright
#: (C) 2016 Published by Elsevier Ltd."): databases append it to the abstract, and its
#: publisher's city or country is not a country studied.
_NOTICE = re.compile(r"©|\((?:c|C)\)\s*(?:1|2)\d{3}|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
#: A notice is the abstract's tail: one further from the end is part of what the study says.
_NOTICE_TAIL = 400


def without_notice(abstract: str) -> str:
    """An abstract without the publisher's notice at its end."""
    found = _NOTICE.search(abstract, max(0, len(abstract) - _NOTICE_TAIL))
    return abstract[: found.start()].rstrip() if found else abstract


def tag_text(title: str, abstract: str = "", keywords: list[str] | None = None) -> Tagging:
    """Tags for one study (nothing stored here)."""
    body = " . ".join([without_notice(abstract), *(keywords or [])])
    parts = [(_Scanned.of(title), TITLE_WEIGHT), (_Scanned.of(body), ABSTRACT_WEIGHT)]
    result = Tagging()
    result.proposals.extend(_countries(parts))
    areas = _weighed("area", parts)
    outcomes = _weighed("outcome", parts)
    use = _use(parts, outcomes)
    result.proposals.append(use)
    result.proposals.extend(_areas(areas, mipex_evidence([title, body])))
    result.proposals.extend(_outcomes(outcomes, use.code))
    return result


def _countries(parts: list[tuple[_Scanned, int]]) -> list[Proposal]:
    """A country named as studied; an adjective alone ("a German survey") must be in the
    title or come back, or it is a passing mention."""
    studied: dict[str, list[str]] = defaultdict(list)
    weight: dict[str, int] = defaultdict(int)
    named: set[str] = set()
    evidence = [
        item
        for scanned, weight in parts
        for item in judge(scanned.text, scanned.by_facet.get("country", []), weight == TITLE_WEIGHT)
    ]
    keywords: list[Proposal] = []
    for item in evidence:
        if not item.studied:
            continue
        if item.rule == "other":
            keywords.append(Proposal("other_country", item.code, 0.5, [item.phrase], "a country outside MIPEX"))
            continue
        if item.rule in ("region", "city"):
            keywords.append(Proposal("place", item.phrase, 0.5, [item.phrase], f"a {item.rule} below the country"))
        studied[item.code].append(item.phrase)
        weight[item.code] += TITLE_WEIGHT if item.in_title else ABSTRACT_WEIGHT
        if item.rule != "adjective":
            named.add(item.code)
    unique = {(p.facet, p.code): p for p in keywords}
    return [
        Proposal("country", code, _confidence(weight[code]), phrases, "named as the country studied")
        for code, phrases in studied.items()
        if code in named or weight[code] >= 2
    ] + list(unique.values())


def _areas(weighed: dict[str, tuple[int, list[str]]], index_named: tuple[str, ...]) -> list[Proposal]:
    """The strands the study is about; `overall` when it names integration policy as a
    whole (strongly, beside strands), or names the index and singles out no strand."""
    strands = {code: found for code, found in weighed.items() if code != "overall" and found[0] >= 2}
    proposals = [
        Proposal("area", code, _confidence(weight), phrases, "its policy named in the title or more than once")
        for code, (weight, phrases) in strands.items()
    ]
    weight, phrases = weighed.get("overall", (0, []))
    if not strands and (weight or index_named):
        evidence = [*phrases, *index_named]
        proposals.append(
            Proposal("area", "overall", _confidence(weight + len(index_named)), evidence, "no strand singled out")
        )
    elif weight >= TITLE_WEIGHT:
        proposals.append(Proposal("area", "overall", _confidence(weight), phrases, "integration policy as a whole"))
    return proposals


def _outcomes(weighed: dict[str, tuple[int, list[str]]], use: str) -> list[Proposal]:
    if use == "measures_policy":  # a study of measuring policy measures no outcome (the tags' definition)
        return []
    needed = 1 if use == "explains_outcomes" else TITLE_WEIGHT
    return [
        Proposal("outcome", code, _confidence(weight), phrases, "measured or explained")
        for code, (weight, phrases) in weighed.items()
        if weight >= max(needed, 2 if use == "explains_outcomes" else needed)
    ]


def _use(parts: list[tuple[_Scanned, int]], outcomes: dict[str, tuple[int, list[str]]]) -> Proposal:
    cues = _weighed("use", parts)
    measures = cues.get("measures_policy", (0, []))
    explains = cues.get("explains_outcomes", (0, []))
    if measures[0] >= TITLE_WEIGHT:
        return Proposal(
            "use", "measures_policy", _confidence(measures[0]), measures[1], "measuring policy is the subject"
        )
    strongest = max((weight for weight, _ in outcomes.values()), default=0)
    if strongest >= TITLE_WEIGHT or (outcomes and explains[0] >= 2):
        evidence = explains[1] + [p for _, phrases in outcomes.values() for p in phrases][:3]
        return Proposal(
            "use",
            "explains_outcomes",
            _confidence(max(strongest, explains[0])),
            evidence,
            "policy related to an outcome",
        )
    compares = cues.get("compares_policies", (0, []))
    return Proposal("use", "compares_policies", _confidence(compares[0]), compares[1], "policies described or compared")


def _tag_one(study: tuple[str, str, list[str] | None]) -> Tagging:
    return tag_text(*study)


def tag_many(studies: Iterable[tuple[str, str, list[str] | None]], processes: int | None = None) -> Iterator[Tagging]:
    """Tag many studies (title, abstract, keywords), in order, on every core: a library
    of 100,000 studies is tagged in the time a curator fetches a coffee. The vocabularies
    are compiled once, before the workers fork, so each starts ready."""
    workers = processes or os.cpu_count() or 1
    _matcher()
    _inflected_matcher()
    if workers == 1:
        yield from map(_tag_one, studies)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_tag_one, studies, chunksize=256)
