"""Running deduplication on a library's store: compare, merge, queue, remember.

`tracker.dedupe` decides about records in memory; this module feeds it the store's records
(with their present studies and the pairs curators keep apart), applies its automatic
merges as logged decisions, and keeps the review queue. A run compares only the records
added since the last run, against the whole library and each other, unless told to compare
everything again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tracker.decisions import (
    DEDUPE,
    MERGE,
    Proposed,
    compared_through,
    kept_apart,
    log_decisions,
    set_compared_through,
    studies_of,
)
from tracker.dedupe import MatchRecord, StageProgress, find_duplicates
from tracker.dedupe.versions import preprint_label
from tracker.entry import Name
from tracker.grouping import merge_studies
from tracker.models import Record, ReviewPair, Study


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
    candidate_pairs: int = 0
    merges: list[AutoMerge] = field(default_factory=list)
    queued_new: int = 0
    queue: int = 0  # pairs waiting for review after the run
    studies_before: int = 0
    studies_after: int = 0


def _text(fields: dict[str, Any], *names: str) -> str:
    return next((str(fields[n]) for n in names if fields.get(n)), "")


def match_record(key: str, entry_type: str, fields: dict[str, Any], authors: list[dict[str, str]]) -> MatchRecord:
    """What matching reads of a stored record."""
    return MatchRecord(
        id=key,
        title=_text(fields, "title"),
        authors=[Name.from_json(n) for n in authors],
        year=_text(fields, "year")[:4],
        container=_text(fields, "container", "series", "institution", "publisher"),
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
    what is borderline. With `dry_run`, report and change nothing."""
    rows = session.exec(
        select(Record.key, Record.seq, Record.entry_type, Record.fields, Record.authors, Record.study_id)
        .where(Record.status == "ok", col(Record.key).is_not(None), col(Record.study_id).is_not(None))
        .order_by(col(Record.seq))
    ).all()
    report = DedupeReport(records=len(rows))
    report.studies_before = session.exec(select(func.count()).select_from(Study)).one()
    since = 0 if everything else compared_through(session)
    keys = [row[0] for row in rows]
    index_of = {key: index for index, key in enumerate(keys)}
    new = [index for index, row in enumerate(rows) if row[1] > since]
    report.compared = len(new)
    apart = {
        tuple(sorted((index_of[a], index_of[b]))) for a, b in kept_apart(session) if a in index_of and b in index_of
    }
    records = [match_record(key, kind, fields, authors) for key, _, kind, fields, authors, _ in rows]
    result = find_duplicates(
        records,
        only_with=None if everything else new,
        studies=[row[5] for row in rows],
        apart=apart,  # type: ignore[arg-type]
        progress=progress,
    )
    report.candidate_pairs = result.candidate_pairs
    report.merges = [AutoMerge(keys[a], keys[b], s.score, list(s.reasons)) for a, b, s in result.merges]
    if dry_run:
        report.queued_new = len(result.review)
        report.studies_after = report.studies_before - len(report.merges)
        return report
    log_decisions(
        session,
        [Proposed(MERGE, DEDUPE, (m.key_a, m.key_b), m.score, tuple(m.reasons)) for m in report.merges],
        made_at,
    )
    if progress and report.merges:
        progress("merging studies", 0, len(report.merges))
    study = {key: row[5] for key, row in zip(keys, rows, strict=True)}
    merge_studies(session, _study_groups([(study[m.key_a], study[m.key_b]) for m in report.merges]))
    report.queued_new = _update_queue(
        session, [(keys[a], keys[b], s.score, s.reasons) for a, b, s in result.review], everything
    )
    if rows:
        set_compared_through(session, max(row[1] for row in rows))
    session.flush()
    report.queue = session.exec(select(func.count()).select_from(ReviewPair)).one()
    report.studies_after = session.exec(select(func.count()).select_from(Study)).one()
    return report


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
