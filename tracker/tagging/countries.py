"""Which MIPEX countries a study examines, with the phrase and the rule behind each.

The curator's rule: the country *studied* (where the policy or the migrants' lives are
examined), not the country of origin. So a country word is read with its neighbours:

- an adjective or demonym followed by a migrant word ("Turkish immigrants", "Syrian
  refugees") names an origin; followed by anything else ("the Danish 24-year rule",
  "German Länder") it names the country studied;
- an adjective followed by a language word ("German language courses") names a language;
- a name after "from", "born in", "fled", "left" ("refugees from Turkey", "children born in
  the United States") names an origin, and after "compared with", "unlike" a benchmark;
- a region or city named alone ("migrants in Barcelona") counts for its country;
- regions and groups ("27 EU countries", "Latin America") are never expanded, and a
  country word inside one does not count;
- a place is a proper noun: a name, region or city written in lower case in a text that
  uses capitals is a common word or a species name ("turkey", "Geothlypis formosa"), not
  a place.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.phrases import Match, Text
from tracker.vocab import LANGUAGES, load_vocabulary

#: Words after an adjective that make it a migrant's origin ("Turkish immigrants").
_MIGRANT_WORDS = (
    "immigra",
    "migra",
    "refugee",
    "asylum",
    "newcomer",
    "diaspora",
    "descent",
    "origin",
    "background",
    "born",
    "minorit",
    "communit",
    "national",
    "citizen",
    "worker",
    "emigr",
    "expat",
    "settler",
    "guest",
    "women",
    "men",
    "youth",
    "children",
    "pupils",
    "students",
    "students",
    "families",
    "spouses",
    "einwander",
    "zuwander",
    "migrant",
    "flucht",
    "fluchtl",
    "aussiedler",
    "immigre",
    "immigres",
    "refugi",
    "inmigr",
    "emigr",
    "migranti",
    "immigrati",
    "rifugiat",
    "imigrant",
    "refugiad",
    "vluchteling",
    "allochton",
)
#: Words after an adjective that make it a language, not a country ("German language courses").
_LANGUAGE_WORDS = (
    "language",
    "speak",
    "proficien",
    "lesson",
    "course",
    "fluen",
    "sprach",
    "langue",
    "idioma",
    "lingua",
)
#: Words that may stand between an adjective and what it qualifies ("Turkish and Polish migrants").
_BETWEEN = ("and", "or", "und", "et", "y", "e", "en", "of")
#: Words before a name that make it an origin or a passing mention ("refugees from Syria",
#: "born in Mexico", "the war in Ukraine", "compared with Canada").
_NOT_STUDIED_BEFORE = (
    "from",
    "born in",
    "fled",
    "fleeing",
    "left",
    "leaving",
    "out of",
    "war in",
    "invasion of",
    "war against",
    "compared with",
    "compared to",
    "unlike",
    "than in",
    "than",
    "aus",
    "desde",
    "uit",
)


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    code: str
    phrase: str
    rule: str  # "name", "adjective", "region", "city"; "other": a country outside MIPEX (code: its name)
    studied: bool  # False: an origin, or a country word inside a region's name
    in_title: bool


def country_phrases() -> list[tuple[str, tuple[str | None, str]]]:
    """The country vocabulary as (phrase, (code, kind)) pairs; groups have code None."""
    vocabulary = load_vocabulary("country")
    phrases: list[tuple[str, tuple[str | None, str]]] = [(p, (None, "group")) for p in vocabulary.blockers]
    for code, term in vocabulary.terms.items():
        for phrase, origin in term.all_phrases():
            kind = "adjective" if origin in LANGUAGES else {"names": "name", "regions": "region"}.get(origin, "city")
            phrases.append((phrase, (code, kind)))
    for english, names in vocabulary.others.items():
        phrases.extend((name, (english, "other")) for name in names)
    return phrases


def _qualifies_migrants_or_a_language(after: list[str]) -> bool:
    """The noun an adjective qualifies, past other adjectives joined by "and" ("Turkish and
    Polish migrants"): a migrant word or a language word."""
    for word in after:
        lowered = word.lower()
        if lowered.startswith(_MIGRANT_WORDS) or lowered.startswith(_LANGUAGE_WORDS):
            return True
        if lowered in _BETWEEN or word[:1].isupper():  # another adjective, or "and"
            continue
        return False
    return False


def _written_in_one_case(text: Text) -> bool:
    """A text in capitals only or lower case only says nothing by its capitals."""
    letters = [c for c in text.cased if c.isalpha()]
    return all(c.isupper() for c in letters) or all(c.islower() for c in letters)


def judge(text: Text, matches: list[Match], in_title: bool) -> list[CountryEvidence]:
    """Country matches in one part of a study (overlaps resolved), judged studied or not."""
    found: list[CountryEvidence] = []
    caseless = None
    for match in matches:
        code, kind = match.payload  # type: ignore[misc]
        if code is None:
            continue
        if kind in ("name", "region", "city", "other") and not match.text[:1].isupper():
            caseless = _written_in_one_case(text) if caseless is None else caseless
            if not caseless:
                continue  # "turkey", "formosa": a common word or a species, not a place
        studied = True
        if kind == "adjective":
            studied = not _qualifies_migrants_or_a_language(text.cased[match.end : match.end + 80].split()[:6])
        if kind in ("name", "adjective", "other") and studied:
            before = " ".join(text.lowered[max(0, match.start - 40) : match.start].split()[-3:])
            studied = not any(before.endswith(cue) or before.endswith(f"{cue} the") for cue in _NOT_STUDIED_BEFORE)
        found.append(CountryEvidence(code, match.text, kind, studied, in_title))
    return found
