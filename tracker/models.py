"""The store's tables (SQLModel), the same on SQLite and PostgreSQL.

The store is the working state; `bib/` is its text image (see `tracker.library.image`). A record
is one entry as read, never changed afterwards; a study is one real work and points to
nothing but its key: records point to their study, so merging and splitting (later) only
move records between studies and never delete one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

#: Who made a tag, a decision or a summary: the tracker on its own (the tagger, dedupe)
#: or a curator. One spelling for every table and module that records it.
AUTO, CURATOR, DEDUPE = "auto", "curator", "dedupe"

#: Bump when a table changes: an older store is then rebuilt from `bib/` on open.
SCHEMA_VERSION = 9  # 9: undone decisions, withdrawn imports; 8: match keys kept; 7: TeX quotes curly


class Meta(SQLModel, table=True):
    """Facts about the store itself (schema version)."""

    name: str = Field(primary_key=True)
    value: str


class Source(SQLModel, table=True):
    """One imported file: its bytes (so the text image can always be rewritten) and origin."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)  # import order, the order a rebuild replays
    path: str  # as the user named it
    sha256: str = Field(index=True)  # the same bytes again only after a withdrawal
    format: str
    encoding: str
    encoding_guessed: bool = False
    imported_at: str  # ISO 8601, UTC
    size: int
    withdrawn: bool = False  # by a curator's `undo`: its records left their studies (history keeps it)
    # The file's bytes, zlib-compressed: any machine sharing this store can write bib/.
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Study(SQLModel, table=True):
    """One real work. Its fields are derived from its records (see `tracker.store.views`)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True)
    seq: int = Field(index=True)  # order of creation
    # The study's entry as bib/library.bib writes it: a cache, refreshed whenever the
    # study changes, so the text image never re-renders studies that did not change.
    bibtex: str | None = Field(default=None, sa_column=Column(Text))


class Record(SQLModel, table=True):
    """One entry of one source as read: raw text, line, parsed fields; or a failure."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)  # global order: the earliest record of a study gives its key
    source_id: int = Field(foreign_key="source.id", index=True)
    line: int
    key: str | None = Field(default=None, index=True, unique=True)
    kind: str = "entry"  # entry | abstract
    status: str = Field(default="ok", index=True)  # ok | failed | withdrawn (its import was)
    error: str | None = Field(default=None, sa_column=Column(Text))
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    entry_type: str = "misc"
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    authors: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    editors: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    raw: str = Field(sa_column=Column(Text, nullable=False))
    fingerprint: str = Field(index=True)  # raw text + occurrence: re-imports add nothing
    study_id: int | None = Field(default=None, foreign_key="study.id", index=True)
    doi: str | None = Field(default=None, index=True)
    year: str | None = None
    title: str | None = Field(default=None, sa_column=Column(Text))


class MatchKey(SQLModel, table=True):
    """A key under which a record is compared with others (see `tracker.dedupe.keys`): an
    incremental `dedupe` reads only the records that share a key with a new one."""

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id", index=True)
    key: str = Field(index=True)


class Decision(SQLModel, table=True):
    """One decision about studies, in the order made: `merge` (these records are one
    work), `different` (these two are not), `split` (the first record leaves its study
    and is not the others) or `edit` (a curator's field values for the study of the
    record named, above anything its records say). Made `by` the curator or by `dedupe`;
    kept in `bib/decisions.json` and replayed on a rebuild, so no re-run and no rebuild
    ever undoes one."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)
    action: str  # merge | different | split
    by: str  # curator | dedupe
    keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # record keys
    score: float | None = None
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    made_at: str
    after_import: int = 0  # the number of imports made before it: where a rebuild replays it
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # edit: field -> value
    undone: bool = Field(default=False, index=True)  # taken back by a later `undo` (kept, as history)
    # each key's record by the identity of its text (`Record.fingerprint`), which no key
    # clash can re-point: two curators' imports both keyed `x2020` merged by git
    records: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ReviewPair(SQLModel, table=True):
    """A borderline pair waiting for a curator's answer (same / different)."""

    id: int | None = Field(default=None, primary_key=True)
    key_a: str = Field(index=True)  # record keys
    key_b: str = Field(index=True)
    score: float
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Tag(SQLModel, table=True):
    """A tag the tagger proposed for a study (origin `auto`), with its evidence. A
    curator's tags are decisions (see `tracker.store.decisions`), applied above these."""

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    facet: str  # area | country | outcome | use
    code: str
    confidence: float
    rule: str
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Score(SQLModel, table=True):
    """One MIPEX score: a country's policy area (or `overall`) in a year, in one edition;
    national, or regional/local (MIPEX-R, MIPEX-L) with the place named."""

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(index=True)  # ISO 3166-1 alpha-2
    area: str = Field(index=True)  # the 8 strands or `overall`
    year: int
    value: float
    edition: str
    level: str = "national"  # national | regional | local
    place: str = ""  # the region or city, below the national level
    source: str = ""  # where the figure comes from, as shown on the site
    indicator: str = ""  # "" for a strand or overall score; the indicator's code otherwise
    title: str = ""  # the indicator's title


class Digest(SQLModel, table=True):
    """One issue of the "MIPEX in Use" digest. A draft names its studies by a record key
    each (a study's key can change when studies merge; its records' keys never do), in
    the order the issue shows them. Publishing freezes the issue as readers saw it in
    `published`; later changes to the library never touch it, and a correction is a new
    revision with its reason, logged in `revisions`."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(index=True, unique=True)  # YYYY-MM
    title: str
    intro: str = Field(sa_column=Column(Text, nullable=False))
    closing: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str
    period: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [since, until]
    entries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # record keys
    status: str = "draft"  # draft | published
    published_at: str = ""
    published: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    revisions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
