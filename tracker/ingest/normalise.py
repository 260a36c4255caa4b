"""Normalisation shared by every reader, as small named steps over one `Entry`.

Each reader maps its own format into canonical field names; these steps then make the
values alike whatever the source: a DOI bare and lower-case, a year from any date form,
page ranges with an en dash, whitespace collapsed. They run once, at import, so every
later step can compare values directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tracker.entry import ENTRY_TYPES, Entry

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|https?://doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_ISO_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?")
_PAGE_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*(?:-+|–|—|‐|‑)\s*([^\s\-–—]+)\s*$")

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janvier", "januar", "enero"),
            ("feb", "february", "fevrier", "februar", "febrero"),
            ("mar", "march", "mars", "marz", "märz", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo", "maggio"),
            ("jun", "june", "juin", "juni", "junio"),
            ("jul", "july", "juillet", "juli", "julio"),
            ("aug", "august", "aout", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "oktober", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "décembre", "dezember", "diciembre"),
        ],
        start=1,
    )
    for name in names
}


#: Text is collapsed this many characters at a time (cut at white space): `str.split` makes
#: an object of every word, and a regex's `sub` a list of every piece — 520 MB and 620 MB for
#: a 67 MB abstract; a megabyte at a time stays a few megabytes, at split's speed.
_PIECE = 1_000_000
_WHITE = re.compile(r"\s")  # what str.split and str.strip take for white space


def collapsed_pieces(text: str) -> Iterator[str]:
    """`collapse_whitespace(text)` in pieces, to be joined by single spaces (none empty)."""
    start = 0
    while start < len(text):
        cut = _WHITE.search(text, start + _PIECE) if len(text) - start > _PIECE else None
        end = cut.start() if cut else len(text)
        piece = " ".join(text[start:end].split())
        if piece:
            yield piece
        start = end


def collapse_whitespace(text: str) -> str:
    """One space for any run of white space, none at the ends."""
    if len(text) <= _PIECE:
        return " ".join(text.split())
    return " ".join(collapsed_pieces(text))


def normalise_doi(value: str) -> str:
    """A bare DOI, `10.1080/1369183X.2020.1`, whatever prefix it came with, its case as
    written: DOIs are case-insensitive by definition, so whatever compares them folds case
    (`tracker.dedupe`), but readers, exports and citations show it as its publisher wrote it.
    A value that is not DOI-shaped after stripping is kept as written (cleaned).
    """
    text = collapse_whitespace(value).replace("{", "").replace("}", "")  # WoS writes `{[}` for `[`
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".")
    return text.replace("%2F", "/").replace("%2f", "/")


#: Works whose issuer (a report's institution, a thesis's school) CSL-JSON and RIS write in
#: the publisher's place (CSL `publisher`, RIS `PB`), as Zotero and the tracker's writers do.
ISSUED_WORKS = frozenset({"report", "thesis"})


def issuer_as_institution(entry: Entry) -> None:
    """A report's or thesis's publisher, read from CSL-JSON or RIS, is its institution."""
    fields = entry.fields
    if entry.entry_type in ISSUED_WORKS and "publisher" in fields and "institution" not in fields:
        fields["institution"] = fields.pop("publisher")


def year_from(value: str) -> str:
    """The four-digit year in any date form (`2020`, `2020-03-01`, `Mar 2020`, `2020///`)."""
    found = _YEAR.search(value)
    return found.group(1) if found else ""


def month_number(value: str) -> int | None:
    """A month from a number, an English/French/German/Spanish name or a BibTeX macro."""
    text = value.strip().lower().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return MONTHS.get(text)


def iso_date(value: str, month: str | None = None) -> str:
    """An ISO date as precise as the source: `2020`, `2020-03` or `2020-03-15`.

    Handles RIS's `2020/03/15/`, ISO strings, and a separate month field.
    """
    text = collapse_whitespace(value)
    match = _ISO_DATE.match(text)
    if match:
        year, mon, day = match.groups()
    else:
        year, mon, day = year_from(text), None, None
        words = [w for w in re.split(r"[\s,./-]+", text) if w]
        for word in words:
            number = month_number(word) if not word.isdigit() else None
            if number:
                mon = str(number)
    if not year:
        return ""
    if mon is None and month:
        number = month_number(month)
        mon = str(number) if number else None
    if mon and mon.isdigit() and 1 <= int(mon) <= 12:
        if day and day.isdigit() and 1 <= int(day) <= 31:
            return f"{year}-{int(mon):02d}-{int(day):02d}"
        return f"{year}-{int(mon):02d}"
    return year


def normalise_pages(value: str) -> str:
    """`123--145`, `123-145`, `123 – 145` all become `123–145`; other forms stay."""
    text = collapse_whitespace(value)
    match = _PAGE_RANGE.match(text)
    if match:
        return f"{match.group(1)}–{match.group(2)}"
    return text


def join_pages(start: str, end: str) -> str:
    """Pages from RIS-style start and end page."""
    start, end = collapse_whitespace(start), collapse_whitespace(end)
    if start and end and start != end:
        return f"{start}–{end}"
    return start or end


_TYPE_ALIASES: dict[str, str] = {
    # BibTeX / biblatex
    "article": "article",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "collection": "book",
    "proceedings": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "inproceedings": "conference",
    "conference": "conference",
    "report": "report",
    "techreport": "report",
    "manual": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "dataset": "dataset",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "misc": "misc",
    # Mendeley's BibTeX
    "book_section": "chapter",
    "generic": "misc",
    "magazine": "article",
    "magazine_article": "article",
    "newspaper": "article",
    "newspaper_article": "article",
    "journal": "article",
    # RIS
    "jour": "article",
    "ejour": "article",
    "mgzn": "article",
    "news": "article",
    "inpr": "article",
    "jfull": "article",
    "abst": "article",
    "ebook": "book",
    "edbook": "book",
    "chap": "chapter",
    "echap": "chapter",
    "conf": "conference",
    "cpaper": "conference",
    "rprt": "report",
    "govdoc": "report",
    "thes": "thesis",
    "data": "dataset",
    "elec": "webpage",
    "web": "webpage",
    "blog": "webpage",
    "unpb": "manuscript",
    "manscpt": "manuscript",
    "gen": "misc",
    # CSL
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "paper-conference": "conference",
    "webpage": "webpage",
    "post-weblog": "webpage",
    "post": "webpage",
    "manuscript": "manuscript",
    "chapter": "chapter",
    "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter",
    "document": "misc",
}


def entry_type_from(source_type: str) -> str:
    """The project's entry type for a BibTeX, RIS or CSL type name (`misc` if unknown)."""
    mapped = _TYPE_ALIASES.get(source_type.strip().lower(), "misc")
    assert mapped in ENTRY_TYPES
    return mapped


def _collapse_all(entry: Entry) -> None:
    for name, value in list(entry.fields.items()):
        if isinstance(value, str):
            cleaned = collapse_whitespace(value)
            if cleaned:
                entry.fields[name] = cleaned
            else:
                del entry.fields[name]
        elif isinstance(value, list):
            items = [collapse_whitespace(v) for v in value if isinstance(v, str)]
            deduped = list(dict.fromkeys(v for v in items if v))
            if deduped:
                entry.fields[name] = deduped
            else:
                del entry.fields[name]


def _normalise_doi_field(entry: Entry) -> None:
    doi = entry.fields.get("doi")
    if isinstance(doi, str):
        entry.fields["doi"] = normalise_doi(doi)
    url = entry.fields.get("url")
    if "doi" not in entry.fields and isinstance(url, str) and "doi.org/10." in url.lower():
        entry.fields["doi"] = normalise_doi(url)


def _normalise_year_and_date(entry: Entry) -> None:
    date = entry.fields.get("date")
    year = entry.fields.get("year")
    if isinstance(date, str):
        precise = iso_date(date)
        if precise and len(precise) > 4:
            entry.fields["date"] = precise
        else:
            entry.fields.pop("date", None)
        if not year and precise:
            entry.fields["year"] = precise[:4]
    if isinstance(entry.fields.get("year"), str):
        found = year_from(entry.fields["year"])
        if found:
            entry.fields["year"] = found
        else:
            entry.warnings.append(f"year {entry.fields['year']!r} has no four-digit year")
            entry.fields["year_as_written"] = entry.fields.pop("year")
    if "date" in entry.fields and entry.fields["date"][:4] != entry.fields.get("year"):
        entry.fields.pop("date")  # a date that contradicts the year is not more precise


def _normalise_pages_field(entry: Entry) -> None:
    pages = entry.fields.get("pages")
    if isinstance(pages, str):
        entry.fields["pages"] = normalise_pages(pages)


#: The steps, in order. Each takes an entry and changes it in place.
STEPS: tuple[Callable[[Entry], None], ...] = (
    _collapse_all,
    _normalise_doi_field,
    _normalise_year_and_date,
    _normalise_pages_field,
)


def normalise_entry(entry: Entry) -> Entry:
    """Apply every shared step to an entry that was read; failed entries pass untouched."""
    if entry.failed:
        return entry
    for step in STEPS:
        step(entry)
    for name in (*entry.authors, *entry.editors):
        name.family = collapse_whitespace(name.family)
        name.given = collapse_whitespace(name.given)
        name.particle = collapse_whitespace(name.particle)
        name.suffix = collapse_whitespace(name.suffix)
        name.literal = collapse_whitespace(name.literal)
    return entry
