"""The one shape every reader produces and every writer consumes.

Readers differ in what they read (BibTeX, RIS, CSL-JSON, pasted abstracts); after
reading, an entry is an `Entry` whatever its format, so the store, the exporters and the
later steps (dedupe, tagging, the site) need to know only this shape.

A study leaves the store as a `StudyView` (its fields chosen from its records, see
`tracker.store.views`), the shape every writer and page reads.

Field names are the project's canonical ones (see `CANONICAL_FIELDS`); any other field a
source carried is kept under its own (lower-case) name, so exporters can pass it through
untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.screening import Screening

#: Canonical field names, in the order exporters write them. Anything else is "extra".
CANONICAL_FIELDS: tuple[str, ...] = (
    "title",
    "container",  # journal of an article, book of a chapter, proceedings of a paper
    "year",
    "date",  # ISO 8601, only when more precise than the year: 2020-03 or 2020-03-15
    "volume",
    "number",  # the issue
    "pages",
    "edition",
    "series",
    "publisher",
    "institution",
    "place",
    "doi",
    "url",
    "isbn",
    "issn",
    "language",
    "keywords",  # a list of strings
    "abstract",
    "note",
)

#: BibTeX fields read and written as they are, without LaTeX decoding or escaping.
VERBATIM_FIELDS = frozenset(
    {"url", "doi", "eprint", "file", "pdf", "urlraw", "verba", "verbb"}
    | {"mipex-areas", "mipex-countries", "mipex-outcomes", "mipex-use"}  # codes, written as they are
)

#: The phrases of a title its BibTeX source protected with braces (`{Europe}`, `{MIPEX}`), a
#: list a record keeps so that the BibTeX writer protects them again (a style must not
#: lower-case them). Not a field of the study: views take it off (`StudyView.braced`); its
#: name is none a reader could take from a source.
BRACED_FIELD = "title:braced"
#: Braced phrases kept of one title: a real title braces a few, a hostile one thousands (the
#: writer looks each up in the title).
MOST_BRACED = 64

#: The entry-type vocabulary every reader maps into.
ENTRY_TYPES: tuple[str, ...] = (
    "article",
    "book",
    "chapter",
    "conference",
    "report",
    "thesis",
    "dataset",
    "webpage",
    "manuscript",
    "misc",
)


@dataclass(slots=True)
class Name:
    """A person's name split into parts, or one literal (a corporate author).

    Splitting once, at reading time, lets every writer (BibTeX's `von Last, Jr, First`,
    RIS's `Last, First, Jr`, CSL-JSON's objects) render names without re-parsing.
    """

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    def to_json(self) -> dict[str, str]:
        """Only the parts that are set, so stored JSON stays small and stable."""
        if self.literal:
            return {"literal": self.literal}
        parts = {
            "family": self.family,
            "given": self.given,
            "particle": self.particle,
            "suffix": self.suffix,
        }
        return {k: v for k, v in parts.items() if v}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Name:
        return cls(
            family=data.get("family", ""),
            given=data.get("given", ""),
            particle=data.get("particle", ""),
            suffix=data.get("suffix", ""),
            literal=data.get("literal", ""),
        )

    def sort_form(self) -> str:
        """`van der Berg, Jan` — how lists are alphabetised and how keys begin."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        return f"{family}, {self.given}" if self.given else family

    def display_form(self) -> str:
        """`Jan van der Berg Jr` — a name as a reader reads it on a page."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        return " ".join(p for p in (self.given, family, self.suffix) if p)


@dataclass(slots=True)
class Entry:
    """One bibliographic entry as read from one place in one input file.

    `raw` and `line` say where it came from, so nothing is lost even when reading
    failed: a failed entry has `error` set and keeps its text.
    """

    key: str | None
    entry_type: str = "misc"
    fields: dict[str, Any] = field(default_factory=dict)
    authors: list[Name] = field(default_factory=list)
    editors: list[Name] = field(default_factory=list)
    line: int = 1
    raw: str = ""
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    kind: str = "entry"  # "entry", or "abstract" for a pasted abstract

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass(slots=True)
class RecordRow:
    """A record as views need it: every column but the raw text (read in bulk, light)."""

    id: int
    seq: int
    source_id: int
    line: int
    key: str | None
    kind: str
    status: str
    warnings: list[str]
    entry_type: str
    fields: dict[str, Any]
    authors: list[dict[str, str]]
    editors: list[dict[str, str]]
    study_id: int


@dataclass(slots=True)
class StudyView:
    """One study with the fields an exporter or a page needs."""

    key: str
    entry_type: str
    fields: dict[str, Any]
    authors: list[Name]
    editors: list[Name]
    aliases: list[str]
    records: list[RecordRow] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)
    early_versions: list[tuple[str, str]] = field(default_factory=list)  # (record key, "SSRN"...)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # facet -> code -> origin (auto/curator)
    screening: Screening = field(default_factory=Screening)  # does it use MIPEX (see tracker.screening)
    braced: list[str] = field(default_factory=list)  # the title's phrases its source braced (BRACED_FIELD)
