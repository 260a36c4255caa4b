"""RIS reader (rispy), for the flavours of Scopus, Web of Science, Embase, PubMed via
EndNote, Ovid, ProQuest and Zotero.

We cut the file into entries ourselves (from a `TY` line to its `ER` line) so each entry
keeps its raw text and line, and an entry that never reaches `ER` (a truncated export) is
stored as failed instead of swallowing the next one; rispy parses each entry's tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from tracker.entry import Entry, Name
from tracker.ingest.names import name_from_text
from tracker.ingest.normalise import (
    ISSUED_WORKS,
    entry_type_from,
    iso_date,
    issuer_as_institution,
    join_pages,
    year_from,
)
from tracker.ingest.storable import entry_too_long

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])\s{1,3}-(?:\s|$)")
_ISBN_SHAPE = re.compile(r"^(?:97[89])?[\d\- ]{9,13}[\dXx]$")

#: Container titles in order of preference: full journal names before abbreviations.
_CONTAINER_KEYS = ("alternate_title3", "secondary_title", "journal_name")
_ABBREVIATION_KEYS = ("alternate_title1", "alternate_title2")

#: rispy key -> canonical field, for single-valued fields.
_SIMPLE = {
    "volume": "volume",
    "number": "number",
    "publisher": "publisher",
    "place_published": "place",
    "language": "language",
    "edition": "edition",
    "tertiary_title": "series",
    "abstract": "abstract",
}
#: rispy keys consumed by the mapping (everything else passes through as extra fields).
_CONSUMED = frozenset(
    {
        "type_of_reference",
        "title",
        "primary_title",
        "authors",
        "first_authors",
        "secondary_authors",
        "note",
        "year",
        "publication_year",
        "date",
        "start_page",
        "end_page",
        "doi",
        "urls",
        "keywords",
        "issn",
        "notes",
        "notes_abstract",
        "id",
        "unknown_tag",
        "end_of_reference",
        *_CONTAINER_KEYS,
        *_ABBREVIATION_KEYS,
        *_SIMPLE,
    }
)


def split_ris_entries(text: str) -> Iterator[tuple[int, str, bool]]:
    """(first line, raw text, closed) for every `TY`..`ER` block of a RIS text."""
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TAG_LINE.match(line.lstrip("\ufeff"))
        tag = match.group(1) if match else None
        if tag == "TY":
            if current:
                yield start, "\n".join(current), False
            current, start = [line.lstrip("\ufeff")], number
        elif current:
            current.append(line)
            if tag == "ER":
                yield start, "\n".join(current), True
                current = []
    if current:
        yield start, "\n".join(current).rstrip(), False


def _canonical_tags(raw: str) -> str:
    """`TI - x` and `TI   - x` to the two-space form rispy expects."""
    return "\n".join(_TAG_LINE.sub(lambda m: f"{m.group(1)}  - ", line) for line in raw.splitlines())


def _first(values: Any) -> str:
    if isinstance(values, list):
        return str(values[0]) if values else ""
    return str(values) if values else ""


def _names(values: list[str]) -> list[Name]:
    names = [name_from_text(v) for v in values]
    return [n for n in names if n.literal or n.family or n.given]


_OVID_SIGN = re.compile(r"ovid\.com|ovidsp|psycinfo", re.IGNORECASE)
_NUMBER_SHAPE = re.compile(r"^\s*[\dA-Za-z]{1,6}(?:[-/–]\d{1,6})?\s*$")


def _tag_values(raw: str, tag: str) -> list[str]:
    """Every value of a tag in an entry's raw text (rispy keeps one of a tag it does not
    take as a list)."""
    return [m.group(1).strip() for m in re.finditer(rf"^{tag}\s{{1,3}}-\s?(.*)$", raw, re.MULTILINE)]


def _is_ovid(record: dict[str, Any], raw: str) -> bool:
    """An Ovid export (PsycINFO and others): its links and database lines name it. Ovid
    reuses `A2` for the cited authors and `M1` for the cited references."""
    signs = [*(record.get("urls") or []), *(record.get("file_attachments2") or [])]
    signs += [record.get("name_of_database", ""), record.get("database_provider", "")]
    return any(_OVID_SIGN.search(str(sign)) for sign in signs if sign) or "ovidsp.ovid.com" in raw


def _names_list(value: str) -> bool:
    """A value that is a list of surnames ("Andres, Bucchianeri, Buote, ...") rather than
    one name: a name has at most three comma parts (family, given, suffix)."""
    return value.count(",") >= 3


def _map_reused_tags(record: dict[str, Any], entry: Entry) -> tuple[list[str], list[str]]:
    """The tags databases reuse, read as the database means them; returns the editors and
    the notes.
    `A2` is an editor, except a list of surnames (Ovid's cited authors); `M1` is a note,
    or an issue number where it looks like one and no `IS` gave one, or (Ovid) the cited
    references."""
    fields = entry.fields
    ovid = _is_ovid(record, entry.raw)
    editors, cited = [], []
    for value in record.get("secondary_authors", []):
        (cited if ovid or _names_list(value) else editors).append(value)
    if cited:
        fields["ris-cited-authors"] = "; ".join(cited)
    misc = _tag_values(entry.raw, "M1")
    if ovid and misc:
        fields["ris-cited-references"] = "; ".join(misc)
        return editors, []
    if len(misc) == 1 and _NUMBER_SHAPE.match(misc[0]) and not record.get("number"):
        fields["number"] = misc[0].strip()
        return editors, []
    return editors, misc


def _map_record(record: dict[str, Any], entry: Entry) -> None:
    fields = entry.fields
    unknown: dict[str, list[str]] = dict(record.get("unknown_tag") or {})
    entry.entry_type = entry_type_from(record.get("type_of_reference", ""))
    title = _first(record.get("title")) or _first(record.get("primary_title"))
    if title:
        fields["title"] = title
    entry.authors = _names(list(record.get("authors", [])) + list(record.get("first_authors", [])))
    editors, misc_notes = _map_reused_tags(record, entry)
    entry.editors = _names(list(unknown.pop("ED", [])) + editors)
    container = next((_first(record[k]) for k in _CONTAINER_KEYS if record.get(k)), "")
    container = container or _first(unknown.pop("SO", []))
    if container:
        fields["container"] = container
    abbreviation = next((_first(record[k]) for k in _ABBREVIATION_KEYS if record.get(k)), "")
    if abbreviation and abbreviation != container:
        fields["shortjournal"] = abbreviation
    year = year_from(_first(record.get("year")) or _first(record.get("publication_year")))
    date = iso_date(_first(record.get("date")) or _first(record.get("publication_year")))
    if year or date:
        fields["year"] = year or date[:4]
    if len(date) > 4:
        fields["date"] = date
    pages = join_pages(_first(record.get("start_page")), _first(record.get("end_page")))
    if pages:
        fields["pages"] = pages
    for key, canonical in _SIMPLE.items():
        value = _first(record.get(key))
        if value:
            fields[canonical] = value
    if "abstract" not in fields and record.get("notes_abstract"):
        fields["abstract"] = _first(record["notes_abstract"])
    doi = _first(record.get("doi")) or _first(unknown.pop("DI", []))
    if doi:
        fields["doi"] = doi
    urls = [u for u in record.get("urls", []) if u]
    if urls:
        fields["url"] = urls[0]
        if len(urls) > 1:
            fields["urls"] = " ".join(urls[1:])
    keywords = [k for k in record.get("keywords", []) if k]
    if keywords:
        fields["keywords"] = keywords
    issn = _first(record.get("issn"))
    if issn and entry.entry_type in ISSUED_WORKS and not _ISBN_SHAPE.match(issn) and "number" not in fields:
        fields["number"] = issn  # a report's SN is its number (as Zotero reads it)
    elif issn:
        is_book = entry.entry_type in ("book", "chapter")
        fields["isbn" if is_book and _ISBN_SHAPE.match(issn) else "issn"] = issn
    used = set()
    if "container" not in fields and record.get("custom3"):
        fields["container"] = _first(record["custom3"])  # C3: a paper's proceedings
        used.add("custom3")
    kind = _first(record.get("type_of_work"))
    if kind and entry.entry_type in ISSUED_WORKS:
        fields["type"] = kind  # M3: the report's or thesis's kind
        used.add("type_of_work")
    issuer_as_institution(entry)  # PB: who issued the report, granted the thesis
    notes = [n for n in record.get("notes", []) if n] + misc_notes
    if notes:
        fields["note"] = "; ".join(notes)
    for key, value in record.items():
        if key not in _CONSUMED and key not in used and value:
            fields[key] = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    for tag, values in unknown.items():
        if values:  # a line whose tag is missing or broken keeps its text under `ris-untagged`
            name = tag.lower() if isinstance(tag, str) and tag.strip() else "untagged"
            fields[f"ris-{name}"] = "; ".join(map(str, values))
    entry.key = _first(record.get("id")) or None


def read_ris(text: str) -> Iterator[Entry]:
    """Every entry of a RIS text, in file order; unclosed ones as failed entries."""
    for line, raw, closed in split_ris_entries(text):
        entry = Entry(key=None, line=line, raw=raw)
        if not closed:
            entry.error = "entry has no closing 'ER  -' line (truncated export?)"
            yield entry
            continue
        if too_long := entry_too_long(len(raw)):  # before rispy's and our copies of it (8 in all)
            entry.error = too_long
            yield entry
            continue
        try:
            records = rispy.loads(_canonical_tags(raw))
        except Exception as error:  # rispy raises plain exceptions on malformed tags
            entry.error = f"not valid RIS: {error}"
            yield entry
            continue
        if len(records) != 1:
            entry.error = "not valid RIS: expected one reference between TY and ER"
        else:
            _map_record(records[0], entry)
        yield entry
