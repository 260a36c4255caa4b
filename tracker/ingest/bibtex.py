"""BibTeX and biblatex reader: bibtexparser v2's splitter and the project's middlewares.

Every `@entry` of the input comes out as one `Entry`: parsed, or failed with its raw text
and the reason, so nothing is lost. Field names map to the canonical ones of
`tracker.entry`; fields we have no name for pass through under their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

import bibtexparser
from bibtexparser.model import Entry as BibEntry
from bibtexparser.model import ParsingFailedBlock

from tracker.entry import Entry, Name
from tracker.ingest.bibtex_steps import NO_KEY, WARNINGS, FileState, line_of, parse_stack
from tracker.ingest.normalise import collapse_whitespace, entry_type_from, iso_date
from tracker.ingest.storable import entry_too_long

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

#: BibTeX types whose distinction biblatex keeps in the `type` field. (@techreport is what a
#: report is by default: the exporter writes every report so, and reading it adds nothing.)
_SUBTYPES = {"phdthesis": "phdthesis", "mastersthesis": "mastersthesis"}


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
    key = "" if block.key.startswith(NO_KEY) else block.key
    entry = Entry(key=key, line=line_of(block), raw=block.raw or "")
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
_BLOCK_START_BYTES = re.compile(rb"^[ \t]*@", re.MULTILINE)
#: A crossref or xdata field, on a line of its own or not (one-line entries are common).
_INHERITANCE = re.compile(r"[,\s](?:crossref|xdata)\s*=", re.IGNORECASE)
_INHERITANCE_BYTES = re.compile(rb"[,\s](?:crossref|xdata)\s*=", re.IGNORECASE)


def _cuts(pattern: re.Pattern, inheritance: re.Pattern, whole: str | memoryview) -> list[int]:
    """Where to cut a file into pieces of about CHUNK_ENTRIES blocks: at lines that start
    with `@`, where bibtexparser's splitter itself starts a block. A file that uses
    crossref is not cut (parents may come anywhere)."""
    if inheritance.search(whole):
        return [len(whole)]
    starts = [m.start() for m in pattern.finditer(whole)][CHUNK_ENTRIES::CHUNK_ENTRIES]
    return [*starts, len(whole)]


def _text_pieces(text: str) -> Iterator[tuple[int, str]]:
    previous, line = 0, 0
    for cut in _cuts(_BLOCK_START, _INHERITANCE, text):
        piece = text[previous:cut]
        yield line, piece
        line += piece.count("\n")
        previous = cut


def _byte_pieces(data: bytes, encoding: str) -> Iterator[tuple[int, str]]:
    """Like `_text_pieces`, on the bytes of an ASCII-safe encoding: never the whole text."""
    view = _without_bom(data)
    previous, line = 0, 0
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    for cut in _cuts(_BLOCK_START_BYTES, _INHERITANCE_BYTES, view):
        piece = bytes(view[previous:cut])
        yield line, piece.decode(codec)
        line += piece.count(b"\n")
        previous = cut


def _read_pieces(pieces: Iterable[tuple[int, str]]) -> Iterator[Entry]:
    state = FileState()
    for line_offset, whole in pieces:
        refused, piece = _refuse_oversized_blocks(whole)
        del whole  # the oversized blocks' text lives on in `refused` alone
        library = bibtexparser.parse_string(piece, parse_stack=parse_stack(state))
        entries = []
        for block in library.blocks:
            if isinstance(block, BibEntry):
                entries.append(_to_entry(block))
            elif isinstance(block, ParsingFailedBlock):
                entries.append(_failure(block))
        if refused:
            entries = sorted([*entries, *refused], key=lambda entry: entry.line)
        for entry in entries:
            entry.line += line_offset
            yield entry


def _refuse_oversized_blocks(piece: str) -> tuple[list[Entry], str]:
    """The blocks of a piece too long to be an entry (`storable.MOST_ENTRY_CHARACTERS`), failed with
    the reason and their text kept, and the piece without them: each is replaced by as many
    line breaks as it held, so bibtexparser's lines (and crossref between the rest) hold.
    bibtexparser's splitter took a dozen times a block's size in memory (a gigabyte for a
    67 MB abstract); a piece never holds more than one oversized block's worth again."""
    if entry_too_long(len(piece)) is None:
        return [], piece
    starts = [m.start() for m in _BLOCK_START.finditer(piece)]
    bounds = list(zip([0, *starts], [*starts, len(piece)], strict=True))  # text before the first @, too
    if all(entry_too_long(end - start) is None for start, end in bounds):
        return [], piece
    refused: list[Entry] = []
    kept: list[str] = []
    for start, end in bounds:
        reason = entry_too_long(end - start)
        if reason is None:
            kept.append(piece[start:end])
            continue
        raw = piece[start:end]
        key = _KEY_IN_RAW.search(raw[:10_000])
        line = piece.count("\n", 0, start) + 1
        refused.append(Entry(key=key.group(1) if key else None, line=line, raw=raw, error=reason))
        kept.append("\n" * raw.count("\n"))
    return refused, "".join(kept)


def read_bibtex(text: str) -> Iterator[Entry]:
    """Every entry of a BibTeX/biblatex text, in file order, failed ones included.

    The text is parsed a piece at a time; macros and used keys carry across pieces.
    """
    return _read_pieces(_text_pieces(text))


def read_bibtex_bytes(data: bytes, encoding: str) -> Iterator[Entry]:
    """`read_bibtex` on the bytes of a UTF-8 file, decoding a piece at a time."""
    return _read_pieces(_byte_pieces(data, encoding))


def count_bibtex_bytes(data: bytes) -> int:
    """About how many entries the bytes of a UTF-8 file hold, without decoding them."""
    return len(_BLOCK_START_BYTES.findall(_without_bom(data)))


def _without_bom(data: bytes) -> memoryview:
    """The bytes after a UTF-8 byte-order mark, without copying them."""
    view = memoryview(data)
    return view[3:] if data.startswith(b"\xef\xbb\xbf") else view


def count_bibtex_entries(text: str) -> int:
    """About how many entries a text holds (for a progress bar), without parsing it."""
    return len(_BLOCK_START.findall(text))
