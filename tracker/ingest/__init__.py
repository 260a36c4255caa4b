"""Reading input files: one reader per format, registered here, one entry shape out.

`read_file` is the public entry point: bytes to text (with the encoding reported), the
format (named or recognised), the reader, and the shared normalisation. Everything a user
can get wrong about a file raises `InputError` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tracker.entry import Entry
from tracker.ingest.abstracts import read_abstracts
from tracker.ingest.bibtex import count_bibtex_bytes, count_bibtex_entries, read_bibtex, read_bibtex_bytes
from tracker.ingest.csljson import read_csljson
from tracker.ingest.decode import ASCII_SAFE, UnreadableInputError, decode, detect_encoding, named_encoding
from tracker.ingest.normalise import normalise_entry
from tracker.ingest.ris import read_ris

Reader = Callable[[str], Iterable[Entry]]

#: The registry: format name -> reader. Every reader takes text and returns entries.
READERS: dict[str, Reader] = {
    "bibtex": read_bibtex,
    "ris": read_ris,
    "csljson": read_csljson,
    "abstracts": read_abstracts,
}

_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".biblatex": "bibtex",
    ".ris": "ris",
    ".json": "csljson",
    ".md": "abstracts",
    ".markdown": "abstracts",
    ".txt": "abstracts",
}
_RIS_SIGN = re.compile(r"^\ufeff?TY\s{1,3}-", re.MULTILINE)
_BIBTEX_SIGN = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_WOS_TAB_SIGN = re.compile(r"^\ufeff?(PT|FN)\s")


class InputError(ValueError):
    """A file that cannot be imported at all; the message names the reason."""


@dataclass(slots=True)
class ReadFile:
    """A file read and recognised, ready to be stored (nothing touched the store yet).

    Only the bytes are kept: entries are parsed as they are iterated (`stream()`), and a
    UTF-8 BibTeX file is decoded a piece at a time, so a large file never sits in memory
    as one string or as all its entries at once. `entries` gives a list for small uses.
    """

    path: Path
    data: bytes
    sha256: str
    format: str
    encoding: str
    encoding_guessed: bool
    expected: int  # about how many entries (for a progress bar)
    #: Problems of the file as a whole, by line: stray bytes replaced while decoding.
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return decode(self.data, self.encoding)

    def stream(self) -> Iterator[Entry]:
        """The file's entries, read and normalised one by one."""
        if self.format == "bibtex" and self.encoding in ASCII_SAFE:
            entries = read_bibtex_bytes(self.data, self.encoding)
        else:
            entries = iter(READERS[self.format](self.text))
        return (normalise_entry(e) for e in entries)

    @property
    def entries(self) -> list[Entry]:
        return list(self.stream())


def detect_format(path: Path, text: str) -> str:
    """The format of a file, from its content first and its name second."""
    head = text[:200_000]
    if _RIS_SIGN.search(head):
        return "ris"
    if _BIBTEX_SIGN.search(head):
        return "bibtex"
    if head.lstrip().startswith(("[", "{")):
        return "csljson"
    if _WOS_TAB_SIGN.match(head):
        raise InputError(
            "looks like a Web of Science tab-delimited or plain-text export, which is not "
            "supported: export the records as RIS or BibTeX instead"
        )
    by_name = _EXTENSIONS.get(path.suffix.lower())
    if by_name == "abstracts":
        if head.count("\t") > max(20, head.count("\n")):
            raise InputError("looks like a tab-separated table, not abstracts or references")
        return by_name
    if by_name:
        raise InputError(f"no {by_name} entries found in the file")
    raise InputError(
        "unknown format: expected BibTeX (.bib), RIS (.ris), CSL-JSON (.json) or pasted abstracts (.txt/.md)"
    )


def read_file(path: Path, fmt: str | None = None, encoding: str | None = None) -> ReadFile:
    """Read, decode, recognise and parse one input file."""
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a folder: name the files to import (for example inbox/*.bib)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}") from error
    return read_bytes(path, data, fmt, encoding)


def read_bytes(path: Path, data: bytes, fmt: str | None = None, encoding: str | None = None) -> ReadFile:
    """Parse the bytes of a file named `path` (used for files and for stored sources).

    `encoding` overrides detection (a curator correcting a wrong guess, or a rebuild
    replaying the encoding an import used).
    """
    try:
        found = named_encoding(data, encoding) if encoding else detect_encoding(data)
    except UnreadableInputError as error:
        raise InputError(str(error)) from error
    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown format {fmt!r}: choose one of {', '.join(READERS)}")
    head = data[:200_000].decode(found.name, errors="ignore").lstrip("\ufeff")
    fmt = fmt or detect_format(path, head)
    read = ReadFile(
        path=path,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        encoding=found.name,
        encoding_guessed=found.guessed,
        expected=0,
        warnings=[
            (line, f"byte 0x{byte:02X} is not UTF-8 (the rest of the file is): read as U+FFFD, check the text")
            for line, byte in found.stray
        ],
    )
    read.expected = _expected_entries(read)
    if read.expected == 0:
        raise InputError(f"no entries found (read as {fmt})")
    return read


def _expected_entries(read: ReadFile) -> int:
    if read.format == "bibtex" and read.encoding in ASCII_SAFE:
        return count_bibtex_bytes(read.data)
    text = read.text
    if read.format == "bibtex":
        return count_bibtex_entries(text)
    if read.format == "ris":
        return len(_RIS_SIGN.findall(text))
    return sum(1 for _ in READERS[read.format](text))
