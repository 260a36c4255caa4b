"""The library: one class in front of the store and its text image.

Everything a command can do, a Python caller can do here: open a library folder, import
files, count, look a study up, list failures, export. The command line (`tracker.cli`)
only parses arguments and prints what these methods return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select

from tracker.config import LibraryPaths, database_url
from tracker.db import create_schema, make_engine, store_state, writer_lock
from tracker.dedupe import StageProgress
from tracker.dedupe.store import DedupeReport, prune_queue, run_dedupe
from tracker.digest.image import restore_digests
from tracker.digest.issues import issue_of
from tracker.export import FLAVOURS, WRITERS, Flavour, write_bibtex
from tracker.ingest import InputError, ReadFile, read_bytes, read_file
from tracker.ingest.parallel import EntryStream
from tracker.library.digests import DigestDesk
from tracker.library.image import (
    HAND_EDITED,
    LIBRARY_BIB_STAMP,
    hand_edited,
    has_image,
    image_digest,
    library_bib_stamp,
    read_manifest,
    stage_source_files,
    stored_image_digest,
    write_image,
)
from tracker.models import CURATOR, Decision, Digest, Meta, Record, ReviewPair, Score, Source, Study, Tag
from tracker.publish import BuildReport, build_site
from tracker.publish.settings import SettingsError, SiteSettings
from tracker.scores.check import ScoreError, area_code, country_code
from tracker.scores.store import ScoreImport, drop_edition, load_score_rows, read_score_files, store_scores
from tracker.scores.tidy import read_tidy
from tracker.scores.workbook import read_workbook
from tracker.screening import EXCLUDED, INCLUDED, SCREEN, UNDECIDED
from tracker.screening.queue import Queue, build_queue, exclude_below
from tracker.screening.vocabulary import parse_reason
from tracker.store import queries
from tracker.store.decisions import (
    DIFFERENT,
    EDIT,
    MERGE,
    SPLIT,
    TAG,
    Proposed,
    add_decision,
    apply_decision,
    log_decisions,
    read_decisions_file,
    replay_decisions,
    restore_review,
    studies_of,
)
from tracker.store.edits import EditError, edit_values, unknown_fields
from tracker.store.files import ImageFileError
from tracker.store.finder import Criteria, matching
from tracker.store.history import UNDO, WITHDRAW, Change, cancelled_seqs, history
from tracker.store.journal import ImageChange, interrupts_deferred, pending_changes, recover
from tracker.store.queries import Counts, Failure, Provenance, ReviewItem, TagReview, TagReviewItem
from tracker.store.records import FileReport, Importer
from tracker.store.rendered import refresh_rendered, rendered_bibtex
from tracker.store.screening import Answer, all_screening, answers_in_force
from tracker.store.views import StudyView, added_to_the_evidence, first_imports, load_views
from tracker.tagging.changes import TagChangeError, parse_tag_changes
from tracker.tagging.image import restore_tags
from tracker.tagging.store import REVIEW_BELOW, TagReport, run_tagging
from tracker.templating import TemplateRenderError

#: Meta row: an `undo` was logged; the store is rebuilt from `bib/` before anything reads it.
REBUILD_NEEDED = "rebuild_needed"


class LibraryError(RuntimeError):
    """Something about the library (not a file) that the user must fix; one line."""


@dataclass(slots=True)
class ImportResult:
    files: list[FileReport] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)


@dataclass(slots=True)
class Status(Counts):
    """The store's counts, and which library and store they are of."""

    root: Path
    store: str


@dataclass(slots=True)
class ScoreFileReport:
    path: str
    read: int
    stored: ScoreImport
    problems: list[tuple[str, str]]
    set_aside: dict[str, int]


class ProgressBar(Protocol):
    """What an import reports its progress to (the CLI draws it)."""

    def advance(self, count: int) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int], ProgressBar]


def _moment() -> str:
    """When a decision is made, to the millisecond: the decisions of one command share it,
    which is how `history` tells one command's decisions from the next one's."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Library:
    """A library folder (`bib/` + store) opened for reading and writing."""

    def __init__(self, root: Path, db_url: str | None = None) -> None:
        self.paths = LibraryPaths(root.resolve())
        self.url = database_url(self.paths, db_url)
        self._engine = None
        #: Told at once when a writing command must wait for another one (the CLI prints it).
        self.on_wait: Callable[[str], None] | None = None
        #: Told when opening the library finished or dropped an interrupted command's change.
        self.on_notice: Callable[[str], None] | None = None

    # -- the store ---------------------------------------------------------------------

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def exists(self) -> bool:
        """True when there is a library here: a text image, or a store of its own."""
        return has_image(self.paths) or (self.is_sqlite and self.paths.store_file.exists()) or not self.is_sqlite

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        if self._engine is None:
            if self.is_sqlite:
                self.paths.state.mkdir(parents=True, exist_ok=True)
                ignore = self.paths.state / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# the store is rebuilt from bib/; never commit it\n*\n")
            self._engine = make_engine(self.url)
        return self._engine

    def _require(self) -> None:
        if not self.exists():
            raise LibraryError(
                f"no library in {self.paths.root} (no bib/ and no store): "
                "import a file to start one, or point --library at one"
            )

    def _state(self) -> str:
        """`missing`, `old`, `behind` (bib/ changed outside the tracker, or an undo waits
        for the rebuild that applies it) or `current`."""
        state = store_state(self.engine)
        if state == "current" and has_image(self.paths):
            with Session(self.engine) as session:
                if session.get(Meta, REBUILD_NEEDED) is not None:
                    return "behind"
                if self.is_sqlite and stored_image_digest(session) != image_digest(self.paths):
                    return "behind"
        return state

    def ensure_store(self) -> None:
        """Create the store, or rebuild it from `bib/` when it is missing, of an older
        schema, or (a personal SQLite store) behind a `bib/` that changed outside the
        tracker, as after `git pull`. A shared PostgreSQL store is never rebuilt for that:
        there the database is the truth and a clone's `bib/` may simply lag."""
        self._recover()
        if self._state() == "current":
            with Session(self.engine) as session:
                if hand_edited(session, self.paths):
                    self._notify(
                        "bib/library.bib was edited by hand: the tracker does not read it (it is written from "
                        f"the store); the next change keeps your version as bib/{HAND_EDITED}"
                    )
            return
        with writer_lock(self.engine, self.paths.lock_file, self.on_wait):
            state = self._state()
            if state == "current":
                return
            self._rebuild(drop_first=state != "missing")

    def _rebuild(self, drop_first: bool) -> None:
        """The store anew from `bib/` (the caller holds the writer lock). Until the replay
        commits, the store says it needs one: a rebuild killed halfway is done again."""
        create_schema(self.engine, drop_first=drop_first)
        if not has_image(self.paths):
            return
        with Session(self.engine) as session:
            session.merge(Meta(name=REBUILD_NEEDED, value="rebuilding"))
            session.commit()
        try:
            self._replay_image()
        except ImageFileError as error:  # a merge conflict, a hand edit gone wrong
            raise LibraryError(str(error)) from error

    def _replay_image(self) -> None:
        """Rebuild the store's content from `bib/`: replay every import in order, and
        each grouping decision right after the import it followed."""
        manifest = read_manifest(self.paths)
        try:
            document = read_decisions_file(self.paths)
        except ValueError as error:
            raise LibraryError(str(error)) from error
        pending = list(document.decisions)
        cancelled = cancelled_seqs(document.decisions)
        with Session(self.engine) as session:
            importer = Importer(session)

            def decisions_up_to(imports: int | None) -> None:
                due = [d for d in pending if imports is None or d.get("after_import", 0) <= imports]
                if due:
                    for line in replay_decisions(session, due, cancelled):
                        self._notify(line)
                    withdrawn = any(d["action"] == WITHDRAW and d["seq"] not in cancelled for d in due)
                    importer.forget_studies(withdrawn=withdrawn)
                    pending[:] = [d for d in pending if d not in due]

            if manifest or self.paths.manifest.exists():
                for item in manifest:
                    stored = self.paths.bib / item.file
                    if not stored.exists():
                        raise LibraryError(f"{stored} is missing: bib/ is incomplete, the store cannot be rebuilt")
                    read = read_bytes(Path(item.path), stored.read_bytes(), item.format, item.encoding)
                    read.encoding_guessed = item.encoding_guessed
                    importer.store(read, item.path, item.imported_at)
                    decisions_up_to(item.seq)
            elif self.paths.library_bib.exists() and self.paths.library_bib.stat().st_size:
                read = read_file(self.paths.library_bib, "bibtex")
                importer.store(read, "bib/library.bib", _now())
            decisions_up_to(None)
            restore_review(session, document)
            restore_tags(session, self.paths)
            store_scores(session, read_score_files(self.paths.scores).rows)
            try:
                restore_digests(session, self.paths.bib)
            except ValueError as error:
                raise LibraryError(str(error)) from error
            session.delete(session.get(Meta, REBUILD_NEEDED))
            self._commit(session, rebuilding=True)  # this code's rendering; unchanged files stay untouched

    def _recover(self) -> None:
        """Finish (if the store committed it) or drop (if not) the change of a command that
        was interrupted between its commit and the last rename into `bib/`."""
        if not pending_changes(self.paths.staging):
            return
        with writer_lock(self.engine, self.paths.lock_file, self.on_wait), Session(self.engine) as session:

            def committed(marker: str) -> bool:
                try:
                    return session.get(Meta, marker) is not None
                except SQLAlchemyError:  # no store any more (deleted): nothing was kept
                    session.rollback()
                    return False

            def finish(marker: str) -> None:
                self._stamp_image(session)
                row = session.get(Meta, marker)
                if row is not None:
                    session.delete(row)
                session.commit()

            for line in recover(self.paths.root, self.paths.staging, committed, finish):
                self._notify(line)

    def _commit(self, session: Session, change: ImageChange | None = None, rebuilding: bool = False) -> None:
        """Commit the session and write `bib/` as one unit: the new files are staged, the
        store commits with a marker of the change, then the files are renamed into place
        (`tracker.store.journal`). An error before the commit changes neither; Ctrl-C
        waits for the commit and the renames; a kill after the commit is finished by the
        next command. A `bib/library.bib` edited by hand is kept beside it, never lost."""
        session.flush()
        change = change or ImageChange(self.paths.root, self.paths.staging)
        committed = False
        try:
            if not rebuilding and hand_edited(session, self.paths):
                change.write(self.paths.bib / HAND_EDITED, self.paths.library_bib.read_bytes())
                self._notify(
                    f"bib/library.bib was edited by hand; it is written from the store, so your version is kept "
                    f"as bib/{HAND_EDITED}: carry each change over with `mipex-tracker edit KEY FIELD=VALUE`"
                )
            write_image(session, self.paths, change)
            if change.changes_anything:
                change.seal()
                session.add(Meta(name=change.marker, value=_now()))
            else:
                self._stamp_image(session)
            with interrupts_deferred():
                session.commit()
                committed = True
                if change.changes_anything:
                    change.apply()
                    self._stamp_image(session)
                    session.delete(session.get(Meta, change.marker))
                    session.commit()
                change.discard()
        except BaseException:
            if not committed:
                change.discard()
            raise

    def _stamp_image(self, session: Session) -> None:
        """Remember `bib/` as written: what the next command compares it with."""
        session.merge(Meta(name="image_digest", value=image_digest(self.paths)))
        session.merge(Meta(name=LIBRARY_BIB_STAMP, value=library_bib_stamp(self.paths)))

    def _notify(self, message: str) -> None:
        if self.on_notice:
            self.on_notice(message)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session on an up-to-date store."""
        self._require()
        self.ensure_store()
        with Session(self.engine) as session:
            yield session

    # -- writing -------------------------------------------------------------------------

    def shown_path(self, path: Path) -> str:
        """A path as provenance shows it: relative to the library when inside it."""
        absolute = path.resolve()
        try:
            return absolute.relative_to(self.paths.root).as_posix()
        except ValueError:
            return str(path)

    def import_files(
        self,
        files: Sequence[Path],
        fmt: str | None = None,
        encoding: str | None = None,
        progress: ProgressFactory | None = None,
    ) -> ImportResult:
        """Import files in one transaction; files that cannot be read are reported, not stored."""
        result = ImportResult()
        readable: list[tuple[ReadFile, str]] = []
        for path in files:
            shown = self.shown_path(path) if path.exists() else str(path)
            try:
                readable.append((read_file(path, fmt, encoding), shown))
            except InputError as error:
                result.files.append(FileReport(path=shown, error=str(error)))
        if not readable:
            return result
        streams = [EntryStream(read) for read, _ in readable]  # workers start before the lock
        total = sum(read.expected for read, _ in readable)
        bar = progress(total) if progress else None
        try:
            self.ensure_store()
            with writer_lock(self.engine, self.paths.lock_file, self.on_wait), Session(self.engine) as session:
                now = _now()
                replaced = self._withdraw_other_readings(session, readable, now, fmt, encoding)
                importer = Importer(session)
                tick = bar.advance if bar else None
                reports = [
                    importer.store(read, shown, now, tick, stream)
                    for (read, shown), stream in zip(readable, streams, strict=True)
                ]
                for report, (read, _) in zip(reports, readable, strict=True):
                    report.replaced_format = replaced.get(read.sha256)
                change = ImageChange(self.paths.root, self.paths.staging)
                stage_source_files(self.paths, change, ((read.sha256, read.format, read.data) for read, _ in readable))
                self._commit(session, change)
        finally:
            for stream in streams:
                stream.close()
            if bar:
                bar.close()
        result.files = reports + result.files
        return result

    @staticmethod
    def _withdraw_other_readings(
        session: Session, readable: list[tuple[ReadFile, str]], now: str, fmt: str | None, encoding: str | None
    ) -> dict[str, str]:
        """A file imported before, read another way than the `--format` or `--encoding` now
        named: the earlier import is withdrawn, logged, so this reading replaces it.
        Returns how each replaced import was read, by file hash."""
        replaced: dict[str, str] = {}
        if not fmt and not encoding:
            return replaced
        for read, _ in readable:
            for earlier in session.exec(
                select(Source).where(Source.sha256 == read.sha256, col(Source.withdrawn).is_(False))
            ):
                other_format = fmt is not None and earlier.format != read.format
                other_encoding = encoding is not None and earlier.encoding != read.encoding
                if other_format or other_encoding:
                    decision = add_decision(session, WITHDRAW, CURATOR, [], values={"import": earlier.seq}, made_at=now)
                    apply_decision(session, decision)
                    replaced[read.sha256] = f"{earlier.format} in {earlier.encoding}"
        session.flush()
        return replaced

    @contextmanager
    def transaction(self, create: bool = False) -> Iterator[Session]:
        """A write session under the writer lock: committed and written to `bib/` when the
        block ends without an error, rolled back (store and bib/ untouched) when it fails.
        With `create`, a library is started here if there is none (as an import does)."""
        if not create:
            self._require()
        self.ensure_store()
        with writer_lock(self.engine, self.paths.lock_file, self.on_wait), Session(self.engine) as session:
            yield session
            self._commit(session)

    # -- grouping ---------------------------------------------------------------------------

    def dedupe(
        self, everything: bool = False, dry_run: bool = False, progress: StageProgress | None = None
    ) -> DedupeReport:
        """Merge the records that are certainly one work; queue the borderline pairs."""
        if dry_run:
            with self.session() as session:
                return run_dedupe(session, everything=everything, dry_run=True, made_at=_moment(), progress=progress)
        with self.transaction() as session:
            return run_dedupe(session, everything=everything, made_at=_moment(), progress=progress)

    def review_queue(self) -> list[ReviewItem]:
        """The pairs waiting for a curator, strongest first, each with both studies."""
        with self.session() as session:
            return queries.review_queue(session)

    def answer(self, key_a: str, key_b: str, same: bool) -> str:
        """A curator's answer to a queued pair, saved at once. Returns the study key left."""
        with self.transaction() as session:
            pair = session.exec(select(ReviewPair).where(ReviewPair.key_a == key_a, ReviewPair.key_b == key_b)).first()
            if pair is None:
                raise LibraryError(f"{key_a} and {key_b} are not waiting for review")
            reasons = [f"answered in review ({', '.join(pair.reasons)})"]
            session.delete(pair)
            decision = add_decision(
                session,
                MERGE if same else DIFFERENT,
                CURATOR,
                [key_a, key_b],
                score=pair.score,
                reasons=reasons,
                made_at=_moment(),
            )
            apply_decision(session, decision)
            session.flush()
            prune_queue(session)
            return self.find_study_key(session, key_a) or key_a

    def merge(self, keys: Sequence[str]) -> str:
        """Merge the studies these keys name into one (a curator's decision). Returns its key."""
        with self.transaction() as session:
            study_keys = list(dict.fromkeys(self._study_key_or_error(session, k) for k in keys))
            if len(study_keys) < 2:
                raise LibraryError(f"{', '.join(keys)}: already one study ({study_keys[0]}); nothing to merge")
            decision = add_decision(session, MERGE, CURATOR, study_keys, reasons=["merged by hand"], made_at=_moment())
            apply_decision(session, decision)
            session.flush()
            prune_queue(session)
            return self.find_study_key(session, study_keys[0]) or study_keys[0]

    def split(self, key: str, record: str | None = None) -> list[str]:
        """Undo a merge: every record of the study becomes a study of its own (or only
        `record` leaves). The records stay apart for every later `dedupe`. Returns the
        keys of the studies that result."""
        with self.transaction() as session:
            study_key = self._study_key_or_error(session, key)
            study_id = session.exec(select(Study.id).where(Study.key == study_key)).one()
            members = list(
                session.exec(
                    select(Record.key)
                    .where(Record.study_id == study_id, col(Record.key).is_not(None))
                    .order_by(col(Record.seq))
                )
            )
            if record is not None and record not in members:
                raise LibraryError(f"{record!r} is not a record of {study_key} (its records: {', '.join(members)})")
            if len(members) < 2:
                raise LibraryError(f"{study_key} has one record: there is nothing to split")
            leaving = [record] if record is not None else members[1:]
            now = _moment()
            for key_leaving in leaving:
                others = [k for k in members if k != key_leaving]
                decision = add_decision(
                    session, SPLIT, CURATOR, [key_leaving, *others], reasons=["split by hand"], made_at=now
                )
                apply_decision(session, decision)
                session.flush()
            found = studies_of(session, members)
            keys_by_study = {s: self.find_study_key(session, k) for k, s in found.items()}
            return sorted({k for k in keys_by_study.values() if k})

    def edit(self, key: str, changes: Mapping[str, str | None], new_fields: bool = False) -> StudyView:
        """A curator's values for a study's fields (None or "" removes one): they stand
        above whatever its records say, through every later import, merge and rebuild. A
        field the study does not have and no reader knows is refused with the nearest known
        name (a typo), unless `new_fields`; removing a field the study lacks is refused."""
        try:
            values = edit_values(changes)
        except EditError as error:
            raise LibraryError(str(error)) from error
        if not values:
            raise LibraryError("name at least one FIELD=VALUE to edit")
        with self.transaction() as session:
            study_key = self._study_key_or_error(session, key)
            view = load_views(session, keys=[study_key])[0]
            present = set(view.fields) | {name for name in ("author", "editor") if getattr(view, f"{name}s")}
            missing = [name for name, value in values.items() if value is None and name not in present]
            if missing:
                raise LibraryError(f"{study_key} has no field {missing[0]!r}: there is nothing to remove")
            if not new_fields:
                for name, near in unknown_fields([n for n, v in values.items() if v is not None], view.fields):
                    hint = f"did you mean {near!r}? " if near else ""
                    raise LibraryError(
                        f"{name!r} is not a field of {study_key} nor one BibTeX or biblatex knows: {hint}"
                        "(to add it on purpose, repeat with --new-field)"
                    )
            decision = add_decision(session, EDIT, CURATOR, [study_key], values=values, made_at=_moment())
            apply_decision(session, decision)
            return load_views(session, keys=[study_key])[0]

    # -- history ----------------------------------------------------------------------------

    def history(self) -> list[Change]:
        """Every change made to the library, numbered, in order (see `tracker.store.history`)."""
        with self.session() as session:
            return history(session)

    def change_to_undo(self, number: int | None = None) -> Change:
        """The change `undo` would take back: the one numbered so, or the latest in force
        that is not an undo itself (an undo is taken back by its number: a redo)."""
        changes = self.history()
        if number is None:  # as in an editor: each `undo` goes one change further back
            in_force = [c for c in changes if not c.undone and c.action != UNDO]
            if not in_force:
                raise LibraryError("nothing to undo")
            return in_force[-1]
        if not 1 <= number <= len(changes):
            raise LibraryError(f"no change {number}: the history has 1 to {len(changes)} (`mipex-tracker history`)")
        change = changes[number - 1]
        if change.undone:
            undoing = [c for c in changes if c.action == UNDO and set(change.decisions) <= set(c.undoes)]
            hint = f": undo change {undoing[-1].number} to bring it back" if undoing else ""
            raise LibraryError(f"change {number} ({change.description}) is already undone{hint}")
        return change

    def undo(self, number: int | None = None) -> Change:
        """Take a change back (the latest in force, or the one numbered so) by a new logged
        decision: decisions are undone, an import withdrawn (its records leave their
        studies; the file stays in `bib/` and the history). The store is then rebuilt from
        `bib/` with the decisions in force. Returns the change taken back."""
        change = self.change_to_undo(number)
        self.ensure_store()
        # one hold of the lock for the decision and the rebuild: no colleague's change can
        # land in between and be lost by the rebuild
        with writer_lock(self.engine, self.paths.lock_file, self.on_wait):
            with Session(self.engine) as session:
                if change.source is not None:
                    values: dict[str, object] = {"import": change.source}
                    decision = add_decision(session, WITHDRAW, CURATOR, [], values=values, made_at=_moment())
                else:
                    values = {"undo": list(change.decisions)}
                    decision = add_decision(session, UNDO, CURATOR, list(change.keys), values=values, made_at=_moment())
                session.merge(Meta(name=REBUILD_NEEDED, value=str(decision.seq)))  # if killed before the rebuild
                self._commit(session)
            self._rebuild(drop_first=True)
        return change

    # -- screening --------------------------------------------------------------------------

    def screening_queue(self, progress: StageProgress | None = None) -> Queue:
        """The undecided studies, most likely to use MIPEX first, each with its score and
        reasons, learnt from the decisions made so far."""
        with self.session() as session:
            return build_queue(session, progress)

    def screen(self, key: str, answer: str, reason: str | None = None) -> StudyView:
        """A curator's answer: the study uses MIPEX (`include`) or not (`exclude`, with a
        reason: a code or key of the vocabulary, or any words). Saved at once, never
        undone by automation; `undo_screening` takes it back."""
        status = {"include": INCLUDED, "included": INCLUDED, "exclude": EXCLUDED, "excluded": EXCLUDED}.get(answer)
        if status is None:
            raise LibraryError(f"{answer!r}: answer include or exclude")
        values = {"status": status}
        if reason and reason.strip():
            code, note = parse_reason(reason)
            values |= {"reason": code, "note": note} if status == EXCLUDED else {"note": reason.strip()}
        with self.transaction() as session:
            study_key = self._study_key_or_error(session, key)
            decision = add_decision(session, SCREEN, CURATOR, [study_key], values=values, made_at=_moment())
            apply_decision(session, decision)
            return load_views(session, keys=[study_key])[0]

    def undo_screening(self) -> Answer:
        """Take back the latest screening answer still in force (one study's, or a bulk
        exclusion whole). Returns the answer taken back."""
        with self.transaction() as session:
            answers = answers_in_force(session)
            if not answers:
                raise LibraryError("no screening answer to take back")
            last = answers[-1]
            decision = add_decision(
                session, SCREEN, CURATOR, list(last.keys), values={"undo": last.seq}, made_at=_moment()
            )
            apply_decision(session, decision)
            return last

    def exclude_below(self, threshold: float, progress: StageProgress | None = None) -> list[str]:
        """Exclude every undecided study scoring below `threshold` (0-1), as one logged
        decision that `undo_screening` takes back whole. Returns the keys excluded."""
        if not 0 < threshold < 1:
            raise LibraryError(f"--exclude-below {threshold:g}: name a score between 0 and 1, e.g. 0.05")
        with self.transaction() as session:
            keys = exclude_below(session, threshold, _moment(), progress)
            if keys:
                refresh_rendered(session, studies_of(session, keys).values())
            return keys

    # -- digest -----------------------------------------------------------------------------

    @property
    def digests(self) -> DigestDesk:
        """The "MIPEX in Use" digest: draft, edit, publish, revise (see `tracker.digest`)."""
        return DigestDesk(self)

    # -- scores -----------------------------------------------------------------------------

    def score_editions(self) -> list[str]:
        """The editions the library holds scores of."""
        if not self.exists():
            return []
        with self.session() as session:
            return sorted(set(session.exec(select(Score.edition))))

    def drop_scores(self, edition: str) -> int:
        """Remove every score of an edition (imported under a wrong name, say). Returns how many."""
        editions = self.score_editions()
        if edition not in editions:
            known = "; ".join(editions) or "none"
            raise LibraryError(f"no scores of edition {edition!r} (the library holds: {known})")
        with self.transaction() as session:
            return drop_edition(session, edition)

    def import_scores(
        self,
        path: Path,
        edition: str | None = None,
        source: str | None = None,
        *,
        replace_editions: bool = False,
        area: str | None = None,
    ) -> ScoreFileReport:
        """MIPEX scores from a tidy CSV or MPG's workbook: bad rows reported and skipped,
        the rest stored in one transaction (a value already there is replaced; with
        `replace_editions`, the file's editions' values it no longer holds are removed)."""
        if not path.exists():
            raise LibraryError(f"{path}: no such file")
        shown = self.shown_path(path)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            if not edition:  # the workbook does not say: a file name would start a second series
                known = "; ".join(self.score_editions()) or "none yet"
                raise LibraryError(
                    f"{shown}: name the edition the workbook holds, e.g. --edition 'MIPEX 2020' "
                    f"(editions in the library: {known})"
                )
            read = read_workbook(path, edition, source or f"MPG workbook {path.name}")
        else:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as error:
                raise LibraryError(f"{path}: not a UTF-8 CSV file ({error.reason} at byte {error.start})") from error
            try:
                area = area_code(area) if area else None
            except ScoreError as error:
                raise LibraryError(f"--area: {error}") from error
            read = read_tidy(Path(shown), text, source or "", area)
        if not read.rows:
            detail = f": {read.problems[0][0]}: {read.problems[0][1]}" if read.problems else ""
            raise LibraryError(f"{shown}: no scores could be read{detail}")
        with self.transaction(create=True) as session:
            stored = store_scores(session, read.rows, replace_editions=replace_editions)
        return ScoreFileReport(shown, len(read.rows), stored, read.problems, read.set_aside)

    def scores(self, country: str | None = None) -> list[Score]:
        """The scores of one country (or all), strands and overall, by area and year."""
        with self.session() as session:
            query = select(Score).where(Score.indicator == "")
            if country is not None:
                try:
                    query = query.where(Score.country == country_code(country))
                except ScoreError as error:
                    raise LibraryError(str(error)) from error
            rows = list(
                session.exec(query.order_by(col(Score.country), col(Score.area), col(Score.edition), col(Score.year)))
            )
            for row in rows:
                session.expunge(row)
            return rows

    # -- the site ---------------------------------------------------------------------------

    def build(
        self, out: Path | None = None, base_url: str | None = None, progress: StageProgress | None = None
    ) -> BuildReport:
        """The static site from the library (into `site/` by default); `progress` is told
        each stage's counts."""
        target = out or self.paths.root / "site"
        told = progress or (lambda _stage, _done, _total: None)
        with self.session() as session:
            studies = session.exec(select(func.count()).select_from(Study)).one()
            told("reading the studies", 0, studies)
            views = load_views(session)
            told("reading the studies", studies, studies)
            scores = load_score_rows(session, Score.level == "national")  # indicators too
            added = added_to_the_evidence(views, first_imports(session))
            published = [issue_of(session, d) for d in session.exec(select(Digest).where(Digest.status == "published"))]
        try:
            return build_site(
                views,
                scores,
                self.paths.root,
                target,
                added=added,
                base_url=base_url,
                digests=published,
                progress=progress,
                citation_cache=self.paths.citation_cache,
            )
        except (SettingsError, TemplateRenderError) as error:
            raise LibraryError(str(error)) from error

    # -- tags -------------------------------------------------------------------------------

    def tag(self, everything: bool = False, progress: StageProgress | None = None) -> TagReport:
        """Tag the studies not tagged yet (or all): the tagger's proposals, with evidence."""
        with self.transaction() as session:
            return run_tagging(session, everything=everything, progress=progress)

    def change_tags(self, key: str, changes: Sequence[str]) -> StudyView:
        """A curator's tags for a study: "+facet:code" adds, "-facet:code" removes,
        "facet:code" adds (for `use`, replaces). They win over the tagger for good."""
        try:
            values = parse_tag_changes(changes)
        except TagChangeError as error:
            raise LibraryError(str(error)) from error
        with self.transaction() as session:
            study_key = self._study_key_or_error(session, key)
            decision = add_decision(session, TAG, CURATOR, [study_key], values=values, made_at=_moment())
            apply_decision(session, decision)
            return load_views(session, keys=[study_key])[0]

    def tag_review(self) -> TagReview:
        """The tagger's low-confidence proposals that no curator has answered yet, of the
        studies the site publishes (included ones; undecided ones too where `bib/site.toml`
        shows them), and how many more wait for their studies' screening."""
        with self.session() as session:
            return self._tag_review(session)

    def tag_review_queue(self) -> list[TagReviewItem]:
        """The proposals `tag_review` puts before a curator now."""
        return self.tag_review().queue

    def _tag_review(self, session: Session) -> TagReview:
        try:
            settings = SiteSettings.load(self.paths.root)
        except SettingsError as error:
            raise LibraryError(str(error)) from error
        statuses = {study: screening.status for study, screening in all_screening(session).items()}
        published = {study for study, status in statuses.items() if settings.published(status)}
        undecided = {study for study, status in statuses.items() if status == UNDECIDED}
        review = queries.tag_review(session, REVIEW_BELOW, published, undecided)
        review.unpublished = dict(Counter(status for study, status in statuses.items() if study not in published))
        return review

    def answer_tags(self, item: str, accept: bool) -> list[str]:
        """Accept (the tag becomes the curator's) or reject (removed for good) one
        facet:code for every study whose low-confidence proposal of it waits for review,
        in one transaction. Returns the study keys answered."""
        try:
            values = parse_tag_changes([f"+{item}"])
        except TagChangeError as error:
            raise LibraryError(str(error)) from error
        (wanted,) = values["add"]
        with self.transaction() as session:
            queue = self._tag_review(session).queue
            keys = [i.key for i in queue if f"{i.facet}:{i.code}" == wanted]
            change = {"add": [wanted], "remove": []} if accept else {"add": [], "remove": [wanted]}
            proposed = [Proposed(TAG, CURATOR, (key,), values=change) for key in keys]
            for decision in log_decisions(session, proposed, _moment()):
                apply_decision(session, decision)
            return keys

    def tag_evidence(self, key: str) -> tuple[StudyView, list[Tag], list[Decision]]:
        """A study's tags, the tagger's proposals behind them, and the curators' changes."""
        with self.session() as session:
            return queries.tag_evidence(session, self._study_key_or_error(session, key))

    def _study_key_or_error(self, session: Session, key: str) -> str:
        found = self.find_study_key(session, key)
        if found is None:
            raise LibraryError(queries.unknown_key_message(session, key))
        return found

    def grouping_history(self, key: str) -> tuple[list[Decision], list[ReviewPair]]:
        """Why a study holds the records it holds: the decisions that touched its records,
        and the pairs with it still waiting for review."""
        with self.session() as session:
            return queries.grouping_history(session, self._study_key_or_error(session, key))

    # -- reading ---------------------------------------------------------------------------

    def status(self) -> Status:
        with self.session() as session:
            counted = queries.counts(session)
        store = self.engine.url.render_as_string(hide_password=True)
        return Status(**{f: getattr(counted, f) for f in Counts.__slots__}, root=self.paths.root, store=store)

    def failures(self) -> list[Failure]:
        with self.session() as session:
            return queries.failures(session)

    def find_study_key(self, session: Session, key: str) -> str | None:
        """The study a key names: the study's own key, or one of its records' keys."""
        return queries.find_study_key(session, key)

    def show(self, key: str) -> tuple[StudyView, list[Provenance]]:
        with self.session() as session:
            view = load_views(session, keys=[self._study_key_or_error(session, key)])[0]
            return view, queries.provenance(session, view)

    def views(self, keys: Sequence[str] | None = None, years: Sequence[str] | None = None) -> list[StudyView]:
        with self.session() as session:
            wanted = None
            if keys:
                wanted = []
                for key in keys:
                    found = self.find_study_key(session, key)
                    if found is None:
                        raise LibraryError(queries.unknown_key_message(session, key))
                    wanted.append(found)
            return load_views(session, keys=wanted, years=years or None)

    def find(self, criteria: Criteria) -> list[StudyView]:
        """The studies that meet the criteria (words, years, tags, screening status)."""
        if criteria.tags:
            try:
                parse_tag_changes([f"+{tag}" for tag in criteria.tags])
            except TagChangeError as error:
                raise LibraryError(str(error)) from error
        with self.session() as session:
            return matching(load_views(session), criteria)

    def export(
        self,
        fmt: str,
        keys: Sequence[str] | None = None,
        years: Sequence[str] | None = None,
        flavour: Flavour = "biblatex",
    ) -> str:
        """The library (or the chosen studies) in one format; BibTeX in either flavour
        (biblatex by default, or classic `bibtex`). The whole library as biblatex is what
        bib/library.bib holds: it comes from the studies' rendered entries."""
        if fmt not in WRITERS:
            raise LibraryError(f"unknown export format {fmt!r}: choose one of {', '.join(WRITERS)}")
        if flavour not in FLAVOURS:
            raise LibraryError(f"unknown BibTeX flavour {flavour!r}: choose one of {', '.join(FLAVOURS)}")
        if flavour != "biblatex":
            if fmt != "bibtex":
                raise LibraryError(f"a flavour is BibTeX's: {fmt} has none (leave out --flavour)")
            return write_bibtex(self.views(keys, years), flavour)
        if fmt == "bibtex" and not keys and not years:
            with self.session() as session:
                return "\n".join(rendered_bibtex(session))
        return WRITERS[fmt](self.views(keys, years))
