"""BibTeX and biblatex reader: bibtexparser v2's splitter and the project's middlewares.

Every `@entry` of the input comes out as one `Entry`: parsed, or failed with its raw text
and the reason, so nothing is lost. Field names map to the canonical ones of
`tracker.entry`; fields we have no name for pass through under their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser.model import Entry as BibEntry
from bibtexparser.model import ParsingFailedBlock

from tracker.entry import Entry, Name
from tracker.ingest.bibtex_steps import WARNINGS, FileState, line_of, parse_stack
from tracker.ingest.normalise import collapse_whitespace, entry_type_from, iso_date

_KEY_IN_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")
_KEYWORD_SEPARATORS = re.compile(r"\s*[,;]\s*")

#: BibTeX field -> canonical field (first listed wins when a source has both).
FIELD_MAP: dict[str, str] = {
    "title": "title",
    "journal": "container",
    "journaltitle": "container",
    "booktitle": "container",
    "year": "year",
    "date": "date",
    "volume": "volume",
    "number": "number",
    "issue": "number",
    "pages": "pages",
    "edition": "edition",
    "series": "series",
    "publisher": "publisher",
    "institution": "institution",
    "school": "institution",
    "organization": "institution",
    "address": "place",
    "location": "place",
    "doi": "doi",
    "url": "url",
    "isbn": "isbn",
    "issn": "issn",
    "language": "language",
    "langid": "language",
    "keywords": "keywords",
    "abstract": "abstract",
    "note": "note",
}

#: BibTeX types whose distinction biblatex keeps in the `type` field.
_SUBTYPES = {"phdthesis": "phdthesis", "mastersthesis": "mastersthesis", "techreport": "techreport"}


def _failure(block: ParsingFailedBlock) -> Entry:
    raw = block.raw or ""
    key_match = _KEY_IN_RAW.search(raw)
    error = block.error
    reason = getattr(error, "abort_reason", None) or (str(error) if error else "")
    reason = collapse_whitespace(reason) or "the entry could not be parsed"
    return Entry(
        key=key_match.group(1) if key_match else None,
        line=line_of(block),
        raw=raw,
        error=reason,
    )


def _to_entry(block: BibEntry) -> Entry:
    entry = Entry(key=block.key, line=line_of(block), raw=block.raw or "")
    entry.entry_type = entry_type_from(block.entry_type)
    entry.warnings.extend(block.parser_metadata.get(WARNINGS, []))
    month = None
    for field in block.fields:
        name, value = field.key, field.value
        if name == "author":
            entry.authors = list(value) if isinstance(value, list) else [Name(literal=str(value))]
            continue
        if name == "editor":
            entry.editors = list(value) if isinstance(value, list) else [Name(literal=str(value))]
            continue
        if name == "month":
            month = str(value)
            continue
        canonical = FIELD_MAP.get(name)
        if canonical == "keywords":
            entry.fields["keywords"] = [k for k in _KEYWORD_SEPARATORS.split(str(value)) if k]
        elif canonical and canonical not in entry.fields:
            entry.fields[canonical] = value
        else:
            entry.fields[name] = value
    if month:
        date = iso_date(entry.fields.get("date") or entry.fields.get("year", ""), month)
        if len(date) > 4:
            entry.fields["date"] = date
        else:
            entry.fields["month"] = month
    subtype = _SUBTYPES.get(block.entry_type.lower())
    if subtype and "type" not in entry.fields:
        entry.fields["type"] = subtype
    return entry


# bibtexparser logs every failed block; we report them ourselves, with file and line.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


#: Entries parsed at a time: bounds memory whatever the size of the file.
CHUNK_ENTRIES = 2000
_BLOCK_START = re.compile(r"^[ \t]*@", re.MULTILINE)
_INHERITANCE = re.compile(r"^\s*(?:crossref|xdata)\s*=", re.IGNORECASE | re.MULTILINE)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) pieces of about CHUNK_ENTRIES blocks, cut where a line starts
    with `@` — where bibtexparser's splitter itself starts a new block."""
    if _INHERITANCE.search(text):  # crossref parents may come anywhere: read in one piece
        yield 0, text
        return
    starts = [m.start() for m in _BLOCK_START.finditer(text)][CHUNK_ENTRIES::CHUNK_ENTRIES]
    previous, line = 0, 0
    for cut in [*starts, len(text)]:
        piece = text[previous:cut]
        yield line, piece
        line += piece.count("\n")
        previous = cut


def read_bibtex(text: str) -> Iterator[Entry]:
    """Every entry of a BibTeX/biblatex text, in file order, failed ones included.

    The text is parsed a chunk at a time; macros and used keys carry across chunks.
    """
    state = FileState()
    for line_offset, piece in _chunks(text):
        library = bibtexparser.parse_string(piece, parse_stack=parse_stack(state))
        for block in library.blocks:
            if isinstance(block, BibEntry):
                entry = _to_entry(block)
            elif isinstance(block, ParsingFailedBlock):
                entry = _failure(block)
            else:
                continue
            entry.line += line_offset
            yield entry


def count_bibtex_entries(text: str) -> int:
    """About how many entries a text holds (for a progress bar), without parsing it."""
    return len(_BLOCK_START.findall(text))
