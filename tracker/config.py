"""Where a library lives: its folder, its text image `bib/`, and its store.

A library is a folder. `bib/` is the text image that goes into git; `.tracker/` holds the
SQLite store (gitignored by a `.gitignore` of its own, so any folder works), unless a
database URL puts the store on PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DB_URL_VARIABLE = "MIPEX_TRACKER_DB"


@dataclass(frozen=True, slots=True)
class LibraryPaths:
    """Every path of one library, decided in one place."""

    root: Path

    @property
    def bib(self) -> Path:
        return self.root / "bib"

    @property
    def library_bib(self) -> Path:
        return self.bib / "library.bib"

    @property
    def sources(self) -> Path:
        return self.bib / "sources"

    @property
    def manifest(self) -> Path:
        """The list of imports, in order: what a rebuild replays."""
        return self.bib / "imports.json"

    @property
    def decisions(self) -> Path:
        """Grouping decisions (merges, splits, review answers) and the review queue."""
        return self.bib / "decisions.json"

    @property
    def tags(self) -> Path:
        """The tagger's proposals by study (a curator's tags are decisions)."""
        return self.bib / "tags.json"

    @property
    def scores(self) -> Path:
        """MIPEX scores (strands, overall, indicators), tidy CSV with their sources."""
        return self.bib / "scores"

    @property
    def state(self) -> Path:
        return self.root / ".tracker"

    @property
    def citation_cache(self) -> Path:
        """Formatted citations kept from one site build to the next (`tracker.publish.citations`)."""
        return self.state / "cache" / "citations.json"

    @property
    def store_file(self) -> Path:
        return self.state / "library.sqlite"

    @property
    def staging(self) -> Path:
        """Where a change's new `bib/` files wait for the store's commit (`tracker.store.journal`)."""
        return self.state / "staging"

    @property
    def lock_file(self) -> Path:
        return self.state / "write.lock"


def database_url(paths: LibraryPaths, explicit: str | None = None) -> str:
    """The store's URL: `--db`, else the environment variable, else the SQLite file."""
    url = explicit or os.environ.get(DB_URL_VARIABLE)
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{paths.store_file}"
