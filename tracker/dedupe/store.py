"""Running deduplication on a library's store: compare, merge, queue, remember.

`tracker.dedupe` decides about records in memory; this module feeds it the store's records
(with their present studies and the pairs curators keep apart), applies its automatic
merges as logged decisions, and keeps the review queue. A run compares only the records
added since the last run, against the whole library and each other, unless told to compare
everything again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tracker.db import in_chunks
from tracker.dedupe import MatchRecord, StageProgress, group_prepared
from tracker.dedupe.keys import keyed_through, records_sharing_keys, store_keys
from tracker.dedupe.match import Prepared, prepare
from tracker.dedupe.versions import preprint_label
from tracker.entry import Name
from tracker.models import DEDUPE, Record, ReviewPair, Study
from tracker.store.decisions import (
    MERGE,
    Proposed,
    compared_through,
    kept_apart,
    log_decisions,
    set_compared_through,
    studies_of,
)
from tracker.store.grouping import merge_studies


@dataclass(slots=True)
class AutoMerge:
    """One automatic merge: two records (each standing for its study) and why."""

    key_a: str
    key_b: str
    score: float
    reasons: list[str]


@dataclass(slots=True)
class DedupeReport:
    records: int = 0  # records in the library that take part (ok, with a key)
    compared: int = 0  # of which new since the last run (or all, with --all)
    read: int = 0  # records read to compare them: all, or those sharing a match key with a new one
    candidate_pairs: int = 0
    merges: list[AutoMerge] = field(default_factory=list)
    queued_new: int = 0
    queue: int = 0  # pairs waiting for review after the run
    studies_before: int = 0
    studies_after: int = 0


def _text(fields: dict[str, Any], *names: str) -> str:
    return next((str(fields[n]) for n in names if fields.get(n)), "")


#: Where a record's venue is read from, the first field it has.
VENUE_FIELDS = ("container", "series", "institution", "publisher")


def match_record(key: str, entry_type: str, fields: dict[str, Any], authors: list[dict[str, str]]) -> MatchRecord:
    """What matching reads of a stored record."""
    return MatchRecord(
        id=key,
        title=_text(fields, "title"),
        authors=[Name.from_json(n) for n in authors],
        year=_text(fields, "year")[:4],
        container=_text(fields, *VENUE_FIELDS),
        venue_kind=next((name for name in VENUE_FIELDS if fields.get(name)), ""),
        volume=_text(fields, "volume"),
        number=_text(fields, "number"),
        pages=_text(fields, "pages"),
        doi=_text(fields, "doi").lower(),
        entry_type=entry_type,
        version=preprint_label(entry_type, fields),
        issn=_text(fields, "issn"),
        edition=_text(fields, "edition"),
    )


def run_dedupe(
    session: Session,
    *,
    everything: bool = False,
    dry_run: bool = False,
    made_at: str,
    progress: StageProgress | None = None,
) -> DedupeReport:
    """Compare the new records (or all, with `everything`), merge what is certain, queue
    what is borderline. With `dry_run`, report and change nothing. A small addition to a
    large library reads only the records sharing a match key with a new one (see
    `tracker.dedupe.keys`)."""
    report = DedupeReport(records=session.exec(select(func.count()).where(*_TAKING_PART)).one())
    report.studies_before = session.exec(select(func.count()).select_from(Study)).one()
    since = 0 if everything else compared_through(session)
    keyed = keyed_through(session)
    added = session.exec(select(func.count()).where(*_TAKING_PART, col(Record.seq) > since)).one()
    if since and keyed >= since and added * INCREMENTAL_SHARE < report.records:
        new_rows = session.exec(_rows().where(col(Record.seq) > since)).all()
        new_items = _prepare_all(new_rows, {}, progress)
        related = records_sharing_keys(session, new_items)
        studies = _column_where(session, Record.study_id, Record.id, related)
        wanted = related | _column_where(session, Record.id, Record.study_id, studies)
        old_rows = [row for row in _rows_where(session, Record.id, wanted) if row.seq <= since]
        rows = sorted([*old_rows, *new_rows], key=lambda row: row.seq)
        items = _prepare_all(rows, {row.id: item for row, item in zip(new_rows, new_items, strict=True)}, progress)
    else:
        rows = session.exec(_rows()).all()
        items = _prepare_all(rows, {}, progress)
    report.read = len(rows)
    keys = [row.key for row in rows]
    index_of = {key: index for index, key in enumerate(keys)}
    new = [index for index, row in enumerate(rows) if row.seq > since]
    report.compared = len(new)
    apart = {
        tuple(sorted((index_of[a], index_of[b]))) for a, b in kept_apart(session) if a in index_of and b in index_of
    }
    result = group_prepared(
        items,
        only_with=None if everything else new,
        studies=[row.study_id for row in rows],
        apart=apart,  # type: ignore[arg-type]
        progress=progress,
    )
    report.candidate_pairs = result.candidate_pairs
    report.merges = [AutoMerge(keys[a], keys[b], s.score, list(s.reasons)) for a, b, s in result.merges]
    if dry_run:
        report.queued_new = len(result.review)
        report.studies_after = report.studies_before - len(report.merges)
        return report
    if rows and max(row.seq for row in rows) > keyed:
        unkeyed = ((row.id, item) for row, item in zip(rows, items, strict=True) if row.seq > keyed)
        store_keys(session, unkeyed, through=max(row.seq for row in rows))
    log_decisions(
        session,
        [Proposed(MERGE, DEDUPE, (m.key_a, m.key_b), m.score, tuple(m.reasons)) for m in report.merges],
        made_at,
    )
    if progress and report.merges:
        progress("merging studies", 0, len(report.merges))
    study = {row.key: row.study_id for row in rows}
    merge_studies(session, _study_groups([(study[m.key_a], study[m.key_b]) for m in report.merges]))
    report.queued_new = _update_queue(
        session, [(keys[a], keys[b], s.score, s.reasons) for a, b, s in result.review], everything
    )
    if rows:
        set_compared_through(session, max(row.seq for row in rows))
    session.flush()
    report.queue = session.exec(select(func.count()).select_from(ReviewPair)).one()
    report.studies_after = session.exec(select(func.count()).select_from(Study)).one()
    return report


#: A run reads only records sharing a key with the new ones when the new records are
#: fewer than one in this many of the library; a larger import reads everything.
INCREMENTAL_SHARE = 4
_TAKING_PART = (Record.status == "ok", col(Record.key).is_not(None), col(Record.study_id).is_not(None))


def _rows():  # type: ignore[no-untyped-def]
    """The columns matching reads, of the records that take part, in import order."""
    return (
        select(Record.id, Record.key, Record.seq, Record.entry_type, Record.fields, Record.authors, Record.study_id)
        .where(*_TAKING_PART)
        .order_by(col(Record.seq))
    )


def _prepare_all(rows: Sequence[Any], known: dict[int, Prepared], progress: StageProgress | None) -> list[Prepared]:
    """Each row folded for matching (`known` ones reused), with progress now and then."""
    items = []
    for done, row in enumerate(rows, start=1):
        item = known.get(row.id)
        items.append(item or prepare(match_record(row.key, row.entry_type, row.fields, row.authors)))
        if progress and (done % 2000 == 0 or done == len(rows)) and len(rows) > len(known):
            progress("reading records", done, len(rows))
    return items


def _rows_where(session: Session, column: Any, values: set[int]) -> list[Any]:
    """The rows `_rows` reads, of the records whose `column` is one of `values`."""
    return [row for chunk in in_chunks(sorted(values)) for row in session.exec(_rows().where(col(column).in_(chunk)))]


def _column_where(session: Session, wanted: Any, column: Any, values: set[int]) -> set[int]:
    """The distinct `wanted` values of the records that take part whose `column` is one of `values`."""
    return {
        value
        for chunk in in_chunks(sorted(values))
        for value in session.exec(select(wanted).where(*_TAKING_PART, col(column).in_(chunk)))
    }


def _study_groups(pairs: list[tuple[int, int]]) -> list[set[int]]:
    """Connected groups of study ids, from the pairs merged."""
    parent: dict[int, int] = {}

    def find(item: int) -> int:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for item in list(parent):
        groups.setdefault(find(item), set()).add(item)
    return list(groups.values())


def _update_queue(session: Session, found: list[tuple[str, str, float, list[str]]], replace: bool) -> int:
    """Keep one queued pair per pair of studies: drop pairs now in one study, add new
    ones. Returns how many were added."""
    if replace:
        session.connection().execute(delete(ReviewPair.__table__))
        session.flush()
    queued = list(session.exec(select(ReviewPair)))
    study = studies_of(session, {k for p in queued for k in (p.key_a, p.key_b)} | {k for f in found for k in f[:2]})
    seen: set[frozenset[int]] = set()
    for pair in queued:
        studies = frozenset((study.get(pair.key_a), study.get(pair.key_b)))
        if len(studies) < 2 or None in studies or studies in seen:
            session.delete(pair)
        else:
            seen.add(studies)
    added = 0
    for key_a, key_b, score, reasons in sorted(found, key=lambda f: -f[2]):
        studies = frozenset((study.get(key_a), study.get(key_b)))
        if len(studies) < 2 or studies in seen:
            continue
        seen.add(studies)
        session.add(ReviewPair(key_a=key_a, key_b=key_b, score=score, reasons=list(reasons)))
        added += 1
    return added


def prune_queue(session: Session) -> None:
    """Drop queued pairs that a merge has put into one study."""
    _update_queue(session, [], replace=False)
