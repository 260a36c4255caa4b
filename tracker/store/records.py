"""Storing files that were read: records, studies, provenance — in the caller's transaction.

Reading (`tracker.ingest`) never touches the store; this module does nothing else. It
keeps the invariants of an import: every entry is stored raw with its file and line (a
failed one with its error); a file already imported adds nothing; a changed file adds only
the entries that are new; keys stay unique; pasted abstracts attach to the record whose
title matches, or become records of their own.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from tracker.entry import Entry
from tracker.export import bibtex_entry
from tracker.ingest import ReadFile
from tracker.ingest.normalise import collapsed_pieces
from tracker.ingest.storable import storable
from tracker.keyspace import KeySpace
from tracker.models import Record, Source, Study
from tracker.store.keys import generated_key, safe_key
from tracker.store.rendered import refresh_rendered
from tracker.store.views import RecordRow, build_view
from tracker.textkeys import fold, numbers_in

#: A pasted abstract attaches only to a title this similar (rapidfuzz ratio, 0-100) ...
ATTACH_THRESHOLD = 93.0
#: ... and only when no other record's title comes within this margin of it.
ATTACH_MARGIN = 3.0

ProgressCallback = Callable[[int], None]
#: Records inserted per statement: bounds memory, keeps executemany efficient.
FLUSH_ROWS = 2000


@dataclass(slots=True)
class FileReport:
    """What one file's import did, for the summary table and the failure lines."""

    path: str
    format: str = ""
    encoding: str = ""
    encoding_guessed: bool = False
    entries: int = 0
    added: int = 0
    unchanged: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    attached: list[tuple[int, str, str]] = field(default_factory=list)  # line, title, key
    abstracts_unmatched: list[tuple[int, str, str]] = field(default_factory=list)
    already_imported_as: str | None = None
    replaced_format: str | None = None  # the same file imported before as this format, now withdrawn
    error: str | None = None


def text_digest(fmt: str, raw: str) -> str:
    """Identity of an entry's text (white space folded), whatever file it is in. Hashed a
    piece at a time: a 67 MB entry is not copied whole twice more (folded, then encoded)."""
    digest = hashlib.sha1(f"{fmt}\0".encode())
    for number, piece in enumerate(collapsed_pieces(raw)):
        digest.update(f" {piece}".encode() if number else piece.encode())
    return digest.hexdigest()


class _TitleIndex:
    """Folded titles of the library's records, for attaching pasted abstracts."""

    def __init__(self, session: Session) -> None:
        rows = session.exec(
            select(Record.title, Record.key, Record.study_id).where(
                Record.status == "ok", Record.kind == "entry", col(Record.title).is_not(None)
            )
        )
        self.titles: list[str] = []
        self.targets: list[tuple[str, int]] = []
        for title, key, study_id in rows:
            self.add(title, key, study_id)

    def add(self, title: str | None, key: str | None, study_id: int | None) -> None:
        if title and key and study_id is not None:
            self.titles.append(fold(title))
            self.targets.append((key, study_id))

    def match(self, title: str) -> tuple[str, int, float] | None:
        """The one record whose title is this title, or None when none or several are."""
        folded = fold(title)
        found = process.extract(
            folded, self.titles, scorer=fuzz.ratio, limit=5, score_cutoff=ATTACH_THRESHOLD - ATTACH_MARGIN
        )
        if not found:
            return None
        best_text, best_score, best_index = found[0]
        if best_score < ATTACH_THRESHOLD or numbers_in(best_text) != numbers_in(folded):
            return None
        best_key, best_study = self.targets[best_index]
        for _, score, index in found[1:]:
            if self.targets[index][1] != best_study and score >= best_score - ATTACH_MARGIN:
                return None  # two different studies fit: do not guess
        return best_key, best_study, best_score


class Importer:
    """Stores read files into one session; the caller commits (or rolls back) once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._load_taken()
        self.record_seq = session.exec(select(func.max(Record.seq))).one() or 0
        self.study_seq = session.exec(select(func.max(Study.seq))).one() or 0
        self.source_seq = session.exec(select(func.max(Source.seq))).one() or 0
        self._titles: _TitleIndex | None = None
        self._pending_studies: list[dict] = []
        self._pending_records: list[dict] = []
        self._dirty_studies: set[int] = set()

    def _load_taken(self) -> None:
        session = self.session
        self.taken_keys = KeySpace(
            {k for k in session.exec(select(Record.key).where(col(Record.key).is_not(None))) if k}
            | set(session.exec(select(Study.key)))
        )
        # a withdrawn import's entries may come again (the same file read the right way)
        self.fingerprints: set[str] = set(session.exec(select(Record.fingerprint).where(Record.status != "withdrawn")))

    def forget_studies(self, withdrawn: bool = False) -> None:
        """Studies were merged or split since this importer looked: where an abstract
        attaches must be looked up again; after a withdrawal, which keys and entries are
        taken too."""
        self._titles = None
        if withdrawn:
            self._load_taken()

    def titles(self) -> _TitleIndex:
        if self._titles is None:
            self._titles = _TitleIndex(self.session)
        return self._titles

    def store(
        self,
        read: ReadFile,
        shown_path: str,
        imported_at: str,
        progress: ProgressCallback | None = None,
        entries: Iterable[Entry] | None = None,
    ) -> FileReport:
        """Store one read file (its `entries` when they are already being read, e.g. by
        an `EntryStream`); returns what happened to each of its entries."""
        report = FileReport(
            path=shown_path,
            format=read.format,
            encoding=read.encoding,
            encoding_guessed=read.encoding_guessed,
            entries=0,
        )
        existing = self.session.exec(
            select(Source.path).where(Source.sha256 == read.sha256, col(Source.withdrawn).is_(False))
        ).first()
        if existing is not None:
            report.already_imported_as = existing
            report.entries = report.unchanged = read.expected
            return report
        self.source_seq += 1
        source = Source(
            seq=self.source_seq,
            path=shown_path,
            sha256=read.sha256,
            format=read.format,
            encoding=read.encoding,
            encoding_guessed=read.encoding_guessed,
            imported_at=imported_at,
            size=len(read.data),
            content=zlib.compress(read.data, 1),
        )
        self.session.add(source)
        self.session.flush()
        report.warnings.extend(read.warnings)
        self._store_entries(read, entries or read.stream(), source.id, report, progress)  # type: ignore[arg-type]
        return report

    def _store_entries(
        self,
        read: ReadFile,
        entries: Iterable[Entry],
        source_id: int,
        report: FileReport,
        progress: ProgressCallback | None,
    ) -> None:
        occurrences: dict[str, int] = {}
        for read_entry in entries:
            entry = storable(read_entry)
            report.entries += 1
            if progress:
                progress(1)
            if len(self._pending_records) >= FLUSH_ROWS:
                self._flush()
            # an entry's identity: its text, and how many identical entries came before it
            digest = text_digest(read.format, entry.raw)
            occurrences[digest] = occurrences.get(digest, 0) + 1
            print_ = f"{digest}:{occurrences[digest]}"
            if print_ in self.fingerprints:
                report.unchanged += 1
                continue
            self.fingerprints.add(print_)
            report.warnings.extend((entry.line, message) for message in entry.warnings)
            row = self._record_row(entry, source_id, print_)
            if entry.failed:
                report.failed.append((entry.line, entry.error or "could not be read"))
                self._pending_records.append(row)
                continue
            report.added += 1
            if entry.kind == "abstract" and self._attach_abstract(entry, row, report):
                continue
            row["key"] = self._key_for(entry, row, report)
            self._new_study_for(row)
            if entry.kind == "abstract":
                report.abstracts_unmatched.append((entry.line, entry.fields.get("title", ""), row["key"]))
        self._flush()
        refresh_rendered(self.session, self._dirty_studies)
        self._dirty_studies.clear()

    def _new_study_for(self, row: dict) -> None:
        self.study_seq += 1
        rendered = bibtex_entry(build_view(row["key"], [_as_record_row(row)]))
        self._pending_studies.append({"key": row["key"], "seq": self.study_seq, "bibtex": rendered})
        row["_study_key"] = row["key"]
        self._pending_records.append(row)

    def _key_for(self, entry: Entry, row: dict, report: FileReport) -> str:
        """The record's key: as written if it is safe and free, else changed and reported."""
        messages = []
        written = entry.key
        key = safe_key(written) if written else ""
        if written and key != written:
            messages.append(f"key {written!r} holds characters a key cannot: stored as {key!r}")
        key = key or generated_key(entry)
        final = self.taken_keys.take(key)
        if written and final != key:
            messages.append(f"key {key!r} is already used in the library: stored as {final!r}")
        row["warnings"].extend(messages)
        report.warnings.extend((entry.line, m) for m in messages)
        return final

    def _attach_abstract(self, entry: Entry, row: dict, report: FileReport) -> bool:
        """Attach a pasted abstract to the study whose record has its title; False if none."""
        self._flush()  # records read just before must be matchable too
        title = entry.fields.get("title", "")
        match = self.titles().match(title)
        if match is None:
            return False
        key, study_id, _score = match
        row["study_id"] = study_id
        row["_attached"] = True  # the study changed: its rendered entry must be refreshed
        self._pending_records.append(row)
        report.attached.append((entry.line, title, key))
        return True

    def _record_row(self, entry: Entry, source_id: int, print_: str) -> dict:
        self.record_seq += 1
        fields = dict(entry.fields)
        if entry.failed and entry.key:
            fields["key_as_written"] = entry.key
        return {
            "seq": self.record_seq,
            "source_id": source_id,
            "line": entry.line,
            "key": None,
            "kind": entry.kind,
            "status": "failed" if entry.failed else "ok",
            "error": entry.error,
            "warnings": list(entry.warnings),
            "entry_type": entry.entry_type,
            "fields": fields,
            "authors": [n.to_json() for n in entry.authors],
            "editors": [n.to_json() for n in entry.editors],
            "raw": entry.raw,
            "fingerprint": print_,
            "study_id": None,
            "doi": _text_or_none(fields.get("doi")),
            "year": _text_or_none(fields.get("year")),
            "title": _text_or_none(fields.get("title")),
        }

    def _flush(self) -> None:
        """Insert queued studies and records in bulk (two statements, not one per row)."""
        studies, records = self._pending_studies, self._pending_records
        if not studies and not records:
            return
        self._pending_studies, self._pending_records = [], []
        ids: dict[str, int] = {}
        if studies:
            connection = self.session.connection()
            connection.execute(insert(Study.__table__), studies)
            first_seq = studies[0]["seq"]  # seq grows under the writer lock: new studies are these
            ids = dict(connection.execute(select(Study.key, Study.id).where(Study.seq >= first_seq)).all())
        for row in records:
            study_key = row.pop("_study_key", None)
            if study_key is not None:
                row["study_id"] = ids[study_key]
        if records:  # Core executemany: the ORM's bulk path costs twice as much here
            self._dirty_studies.update(r["study_id"] for r in records if r.get("_attached"))
            for row in records:
                row.pop("_attached", None)
            self.session.connection().execute(insert(Record.__table__), records)
        if self._titles is not None:
            for row in records:
                if row["kind"] == "entry" and row["status"] == "ok":
                    self._titles.add(row["title"], row["key"], row["study_id"])


def _as_record_row(row: dict) -> RecordRow:
    """A record about to be inserted, as a view reads records (to render its study now)."""
    return RecordRow(
        id=0,
        seq=row["seq"],
        source_id=row["source_id"],
        line=row["line"],
        key=row["key"],
        kind=row["kind"],
        status=row["status"],
        warnings=row["warnings"],
        entry_type=row["entry_type"],
        fields=row["fields"],
        authors=row["authors"],
        editors=row["editors"],
        study_id=0,
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
