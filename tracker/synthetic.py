"""Deterministic, realistic bibliographic records, for benchmarks and tests.

Real exports cannot ship with the project, so the benchmarks and the large tests make
their own: names with accents, particles and LaTeX escapes, migration-research titles,
journals, DOIs, abstracts with bare `%`, keywords — the mix that costs time in reading.
The same seed gives the same bytes.
"""

from __future__ import annotations

import functools
import itertools
import math
import random

_GIVEN = [
    "Anna",
    "Jan",
    "Maria",
    "Ayşe",
    "José",
    "Søren",
    "Zoë",
    "Mehmet",
    "Li",
    "Fatima",
    "Jürgen",
    "Chloé",
    "Pieter",
    "Olga",
]
_FAMILY = [
    ("", "Müller"),
    ("van der", "Berg"),
    ("", "García"),
    ("de la", "Cruz"),
    ("", "Öztürk"),
    ("", "Nowak"),
    ("", "Smith"),
    ("", "Kowalski"),
    ("von", "Weizsäcker"),
    ("", "Rossi"),
    ("", "Dubois"),
    ("", "Ünal"),
    ("", "Hainmueller"),
    ("", "Solano"),
    ("", "Huddleston"),
    ("", "Kim"),
    ("", "Nguyen"),
    ("", "Jansen"),
]
_LATEX = {
    "ü": r"{\"u}",
    "Ü": r"{\"U}",
    "ö": r"{\"o}",
    "Ö": r"{\"O}",
    "é": r"{\'e}",
    "ç": r"{\c{c}}",
    "ş": r"{\c{s}}",
    "ä": r"{\"a}",
}
_TOPICS = [
    "integration policy",
    "naturalisation",
    "family reunification",
    "labour market integration",
    "anti-discrimination law",
    "political participation",
    "health care access",
    "permanent residence",
    "public attitudes to immigration",
    "sense of belonging",
    "refugee employment",
    "migrant pupils",
]
_PLACES = [
    "Germany",
    "the Netherlands",
    "Sweden",
    "Spain",
    "27 EU countries",
    "Canada",
    "OECD countries",
    "Italy",
    "Turkey",
]
_FORMS = [
    "{topic} and {topic2} in {place}",
    "Does {topic} matter? Evidence from {place}",
    "The effect of {topic} on {topic2}: a MIPEX analysis",
    "{topic} in {place}, 2007--2019",
]
_JOURNALS = [
    "Journal of Ethnic and Migration Studies",
    "International Migration Review",
    "Comparative Migration Studies",
    "European Sociological Review",
    "Social Science \\& Medicine",
    "Journal of European Public Policy",
]
_WORDS = [
    *[
        "policy",
        "migrants",
        "integration",
        "outcomes",
        "country",
        "index",
        "score",
        "effect",
        "model",
        "survey",
        "data",
        "analysis",
    ],
    *["results", "naturalisation", "citizenship", "employment", "health", "discrimination", "attitudes", "belonging"],
]


def _latexify(text: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "".join(_LATEX.get(c, c) for c in text)
    return text


def _name(rng: random.Random) -> str:
    particle, family = rng.choice(_FAMILY)
    given = rng.choice(_GIVEN)
    family_part = f"{particle} {family}" if particle else family
    return _latexify(f"{family_part}, {given}", rng)


#: Words that studies using MIPEX share: (word, share of abstracts using it, mean uses in
#: those), measured on 120 real abstracts of such studies (the team's tagging development set).
#: Full-text search costs time by the studies a word is in and its uses in each.
_SHARED_TERMS = [
    ("MIPEX", 0.90, 1.5), ("policy", 0.72, 3.0), ("integration", 0.62, 2.7), ("migrants", 0.57, 2.6),
    ("index", 0.32, 1.5), ("citizenship", 0.24, 2.7), ("employment", 0.20, 2.1), ("health", 0.18, 4.0),
    ("family", 0.18, 3.1), ("refugee", 0.16, 2.8), ("naturalisation", 0.13, 2.7), ("attitudes", 0.04, 1.4),
]  # fmt: skip
_FUNCTION_WORDS = [
    "the", "of", "and", "in", "to", "a", "with", "for", "is", "on",
    "that", "by", "we", "are", "as", "from", "this", "than", "more", "their",
]  # fmt: skip
#: About the vocabulary of those 120 abstracts; the rest of an abstract's words are drawn from
#: it by Zipf's law, as words of real text are.
_VOCABULARY_SIZE = 4000


@functools.cache
def _vocabulary() -> tuple[list[str], list[float]]:
    """Pseudo-words (the same ones every time) and the cumulative Zipf weights to draw them by."""
    rng = random.Random(4000)
    words: dict[str, None] = {}
    while len(words) < _VOCABULARY_SIZE:
        words[_pseudo_word(rng)] = None
    return list(words), list(itertools.accumulate(1 / rank for rank in range(1, _VOCABULARY_SIZE + 1)))


def _uses(mean: float, rng: random.Random) -> int:
    """At least one use, `mean` on average: one plus a Poisson draw (Knuth's method)."""
    limit, uses, product = math.exp(1 - mean), 0, rng.random()
    while product > limit:
        uses += 1
        product *= rng.random()
    return 1 + uses


def _abstract(rng: random.Random) -> str:
    """140-240 words: the shared terms as often as in real abstracts of MIPEX studies, function
    words, and a long tail of others; three bare `%` that BibTeX readers trip on."""
    words = [term for term, share, mean in _SHARED_TERMS if rng.random() < share for _ in range(_uses(mean, rng))]
    rest = max(0, rng.randint(140, 240) - len(words))
    function_words = round(rest * 0.45)
    vocabulary, weights = _vocabulary()
    words += rng.choices(_FUNCTION_WORDS, k=function_words)
    words += rng.choices(vocabulary, cum_weights=weights, k=rest - function_words)
    rng.shuffle(words)
    for _ in range(3):
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 99)}%")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def bibtex_record(index: int, rng: random.Random) -> str:
    """One realistic BibTeX entry; the index makes its key unique."""
    topic, topic2 = rng.sample(_TOPICS, 2)
    title = rng.choice(_FORMS).format(topic=topic.capitalize(), topic2=topic2, place=rng.choice(_PLACES))
    year = rng.randint(1995, 2025)
    authors = " and ".join(_name(rng) for _ in range(rng.randint(1, 5)))
    if rng.random() < 0.03:
        authors += " and {Migration Policy Group}"
    start = rng.randint(1, 900)
    fields = [
        f"  author = {{{authors}}}",
        f"  title = {{{title}}}",
        f"  journal = {{{rng.choice(_JOURNALS)}}}",
        f"  year = {{{year}}}",
        f"  volume = {{{rng.randint(1, 50)}}}",
        f"  number = {{{rng.randint(1, 12)}}}",
        f"  pages = {{{start}--{start + rng.randint(5, 30)}}}",
    ]
    if rng.random() < 0.7:
        fields.append(f"  doi = {{10.{rng.randint(1000, 9999)}/jems.{year}.{index}}}")
    if rng.random() < 0.8:
        fields.append(f"  abstract = {{{_abstract(rng)}}}")
    if rng.random() < 0.5:
        fields.append(f"  keywords = {{{'; '.join(rng.sample(_TOPICS, 3))}}}")
    return f"@article{{rec{index:07d},\n" + ",\n".join(fields) + "\n}\n"


def bibtex_library(count: int, seed: int = 20261122) -> str:
    """`count` entries of BibTeX, the same text for the same arguments."""
    rng = random.Random(seed)
    return "\n".join(bibtex_record(i, rng) for i in range(count))


_SYLLABLES = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "ni", "qua", "bri", "zen", "tal", "mo", "ru"]
_ABBREVIATED = {
    "Journal of Ethnic and Migration Studies": "J. Ethn. Migr. Stud.",
    "International Migration Review": "Int. Migr. Rev.",
    "Comparative Migration Studies": "Comp. Migr. Stud.",
    "European Sociological Review": "Eur. Sociol. Rev.",
    "Journal of European Public Policy": "J. Eur. Public Policy",
}


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def _typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped. Digits are left alone: "27 EU countries" and "72
    EU countries" may well be two works, and the matcher keeps them apart on purpose."""
    if len(text) < 10:
        return text
    for _ in range(20):
        at = rng.randrange(1, len(text) - 2)
        if not (text[at].isdigit() or text[at + 1].isdigit()):
            return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text


def _tex_style(text: str) -> str:
    """Text as a BibTeX export writes it: accents as macros, capitals protected."""
    escaped = "".join(_LATEX.get(c, c) for c in text)
    return " ".join("{" + w + "}" if w[:1].isupper() else w for w in escaped.split(" "))


_PUBLISHERS = [
    "Migration Policy Group",
    "OECD Publishing",
    "Routledge",
    "Palgrave Macmillan",
    "European Commission",
    "Springer",
    "IOM",
    "Policy Press",
]


_WORKING_PAPER_SERIES = [
    "IZA Discussion Papers",
    "SSRN Working Paper Series",
    "COMPAS Working Paper",
    "NBER Working Papers",
    "EUI Working Papers RSCAS",
]


def dedupe_set(works: int, seed: int = 7, tex: bool = False) -> list[tuple[dict, str]]:
    """(record fields, work id) pairs: works, perturbed copies of some (as another
    database writes them; with `tex`, TeX-style as a BibTeX export carries them), working-
    paper versions (one in five with an SSRN DOI of its own, when the work has a DOI), and
    hard negatives (same title, another part and volume; a comment on the work)."""
    rng = random.Random(seed)
    journals = list(_ABBREVIATED)
    out: list[tuple[dict, str]] = []
    for index in range(works):
        topic = rng.choice(_TOPICS)
        title = (
            f"{topic.capitalize()} and the {_pseudo_word(rng)} {_pseudo_word(rng)} of {rng.choice(_PLACES)}: "
            f"{_pseudo_word(rng)} {rng.choice(_WORDS)}"
        )
        authors = []
        for _ in range(rng.randint(1, 5)):  # a real library has tens of thousands of family names
            particle, family = rng.choice(_FAMILY) if rng.random() < 0.2 else ("", _pseudo_word(rng).capitalize())
            authors.append((f"{particle} {family}".strip(), rng.choice(_GIVEN)))
        start = rng.randint(1, 900)
        base = {
            "title": title,
            "authors": [f"{f}, {g}" for f, g in authors],
            "year": str(rng.randint(1995, 2025)),
            "container": rng.choice(journals),
            "volume": str(rng.randint(1, 60)),
            "pages": f"{start}-{start + rng.randint(5, 30)}",
            "doi": f"10.{rng.randint(1000, 9999)}/w{index}" if rng.random() < 0.7 else "",
        }
        if rng.random() < 0.15:  # a report or a book: no volume, no pages
            base.update(container=rng.choice(_PUBLISHERS), volume="", pages="", entry_type="report")
        work = f"w{index}"
        out.append((base, work))
        if rng.random() < 0.4:  # the same work as another database writes it
            copy = dict(base)
            copy["authors"] = [f"{f}, {g[0]}." for f, g in authors]
            abbreviated = _ABBREVIATED.get(base["container"], base["container"])
            copy["container"] = rng.choice([base["container"].upper(), abbreviated])
            if rng.random() < 0.5:
                copy["doi"] = ""
            if rng.random() < 0.2:
                copy["title"] = _typo(title, rng)
            if rng.random() < 0.3:
                copy["title"] = title.upper()
            copy["pages"] = base["pages"].replace("-", "--" if tex else "–")
            if tex:
                copy["title"] = _tex_style(copy["title"])
                copy["authors"] = ["".join(_LATEX.get(c, c) for c in a) for a in copy["authors"]]
            out.append((copy, work))
        if rng.random() < 0.06 and base.get("entry_type") != "report":  # its working-paper version, years before
            early = dict(base)
            early.update(
                entry_type="report",
                container=rng.choice(_WORKING_PAPER_SERIES),
                year=str(int(base["year"]) - rng.randint(1, 3)),
                volume="",
                pages="",
                doi=f"10.2139/ssrn.{3000000 + index}" if base["doi"] and rng.random() < 0.2 else "",
            )
            out.append((early, work))
        if rng.random() < 0.02:  # a comment on it, by someone else: another work
            comment = dict(base)
            comment.update(
                title=f"Comment on: {title}",
                authors=[f"{_pseudo_word(rng).capitalize()}, {rng.choice(_GIVEN)}"],
                doi="",
                pages=f"{start + 40}-{start + 43}" if base["pages"] else "",
            )
            out.append((comment, f"{work}-comment"))
        if rng.random() < 0.05:  # a different work that looks the same
            other = dict(base)
            other["title"] = f"{title}, part II"
            other["doi"] = ""
            other["volume"] = str(int(base["volume"]) + 1) if base["volume"] else ""
            out.append((other, f"{work}-other"))
    return out


def dedupe_set_bibtex(records: list[tuple[dict, str]], first_index: int = 0) -> str:
    """A `dedupe_set` as one BibTeX file (keys r0, r1, ... from `first_index`), to import
    into a library."""
    entries = []
    for index, (fields, _work) in enumerate(records, start=first_index):
        kind = "techreport" if fields.get("entry_type") == "report" else "article"
        venue = "institution" if kind == "techreport" else "journal"
        lines = [f"@{kind}{{r{index},", f"  author = {{{' and '.join(fields['authors'])}}},"]
        lines.append(f"  title = {{{fields['title']}}},")
        lines.append(f"  {venue} = {{{fields['container']}}},")
        for name in ("year", "volume", "pages", "doi"):
            if fields.get(name):
                lines.append(f"  {name} = {{{fields[name]}}},")
        entries.append("\n".join(lines) + "\n}\n")
    return "\n".join(entries)


_STUDY_COUNTRIES = ["Germany", "Sweden", "the Netherlands", "Spain", "Italy", "Canada", "Austria", "Portugal", "Japan"]
_STUDY_ORIGINS = ["Turkish", "Syrian", "Moroccan", "Polish", "Afghan", "Eritrean", "Filipino"]
_STUDY_SENTENCES = [
    "We examine how {policy} shapes {outcome} among {origin} immigrants in {country}.",
    "Using survey data from {n} countries, multilevel models relate MIPEX scores to {outcome}.",
    "The {policy} of {country} became more restrictive after {year}, while {other} moved the other way.",
    "Interviews with {n} officials in {city} show how {policy} is implemented locally.",
    "Results indicate that {outcome} is higher where {policy} is inclusive, net of individual characteristics.",
    "We compare the legal framework of {country} and {other} with the Migrant Integration Policy Index.",
    "Refugees from {origin_country} face long waits for {policy} decisions.",
]
_STUDY_POLICIES = [
    "family reunification", "access to nationality", "labour market access", "anti-discrimination law",
    "permanent residence", "health care entitlements", "voting rights", "integration policy",
]  # fmt: skip
_STUDY_OUTCOMES = ["life satisfaction", "employment", "naturalisation rates", "sense of belonging", "self-rated health"]


def tagging_set(count: int, seed: int = 9) -> list[tuple[str, str]]:
    """`count` (title, abstract) pairs written like studies that use MIPEX, for timing the
    tagger (the words vary; what a curator would tag is not the point)."""
    rng = random.Random(seed)
    cities = ["Barcelona", "Lyon", "Munich", "Gothenburg", "Toronto", "Osaka", "Porto"]
    studies = []
    for _ in range(count):
        fill = {
            "policy": rng.choice(_STUDY_POLICIES),
            "outcome": rng.choice(_STUDY_OUTCOMES),
            "origin": rng.choice(_STUDY_ORIGINS),
            "country": rng.choice(_STUDY_COUNTRIES),
            "other": rng.choice(_STUDY_COUNTRIES),
            "city": rng.choice(cities),
            "origin_country": rng.choice(["Syria", "Afghanistan", "Eritrea", "Ukraine"]),
            "n": rng.randint(2, 40),
            "year": rng.randint(2000, 2022),
        }
        title = (
            f"{fill['policy'].capitalize()} and {fill['outcome']} of {fill['origin']} immigrants in {fill['country']}"
        )
        sentences = [rng.choice(_STUDY_SENTENCES).format(**fill) for _ in range(rng.randint(6, 10))]
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 90)))
        studies.append((title, " ".join(sentences) + " " + words + "."))
    return studies
