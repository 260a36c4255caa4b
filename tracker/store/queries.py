"""The read-only questions a curator asks of the store: what waits for review, why a study
holds its records, where each came from, what failed, how much there is.

Each is one function over a session, so the library facade stays one short method per
command and a script can ask the same questions without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, func, select

from tracker.db import in_chunks
from tracker.entry import StudyView
from tracker.models import AUTO, Decision, Record, ReviewPair, Source, Study, Tag
from tracker.store.decisions import TAG
from tracker.store.screening import all_screening
from tracker.store.tags import FACET_FIELDS, effective_tags
from tracker.store.views import load_views


@dataclass(slots=True)
class Counts:
    """How much the store holds."""

    sources: int
    records: int
    failed: int
    abstracts: int
    studies: int
    warnings: int
    screening: dict[str, int]  # studies by screening status (included, excluded, undecided)


@dataclass(slots=True)
class Failure:
    path: str
    line: int
    key: str | None
    error: str
    raw: str


@dataclass(slots=True)
class Provenance:
    """Where one record of a study came from."""

    key: str | None
    kind: str
    path: str
    line: int
    imported_at: str
    warnings: list[str]


@dataclass(slots=True)
class ReviewItem:
    """A queued pair with both studies as a curator would compare them."""

    key_a: str
    key_b: str
    score: float
    reasons: list[str]
    study_a: StudyView
    study_b: StudyView


@dataclass(slots=True)
class TagReviewItem:
    """A proposal of the tagger waiting for a curator's yes or no."""

    key: str
    title: str
    facet: str
    code: str
    confidence: float
    rule: str
    evidence: list[str]


def find_study_key(session: Session, key: str) -> str | None:
    """The study a key names: the study's own key, or one of its records' keys."""
    if session.exec(select(Study.key).where(Study.key == key)).first():
        return key
    study_id = session.exec(select(Record.study_id).where(Record.key == key)).first()
    if study_id is None:
        return None
    return session.exec(select(Study.key).where(Study.id == study_id)).first()


def unknown_key_message(session: Session, key: str) -> str:
    """ "no study with key ..." and the nearest keys of the library (a typo, a case slip)."""
    keys = list(session.exec(select(Study.key)))
    near = [found for found, score, _ in process.extract(key, keys, scorer=fuzz.WRatio, limit=3) if score >= 80]
    hint = f"; did you mean {' or '.join(near)}?" if near else " (see `mipex-tracker export` for the keys)"
    return f"no study with key {key!r}{hint}"


def study_keys_of(session: Session, record_keys: Iterable[str]) -> dict[str, str]:
    """The key of the study each record key belongs to, in one query per `IN` list."""
    found: dict[str, str] = {}
    for chunk in in_chunks(sorted(set(record_keys))):
        query = select(Record.key, Study.key).join(Study, col(Study.id) == col(Record.study_id))
        found.update(session.exec(query.where(col(Record.key).in_(chunk))).all())
    return found


def review_queue(session: Session) -> list[ReviewItem]:
    """The pairs waiting for a curator, strongest first, each with both studies."""
    pairs = list(session.exec(select(ReviewPair).order_by(col(ReviewPair.score).desc(), col(ReviewPair.id))))
    study_key = study_keys_of(session, (k for p in pairs for k in (p.key_a, p.key_b)))
    views = {v.key: v for v in load_views(session, keys={k for k in study_key.values() if k})}
    return [
        ReviewItem(p.key_a, p.key_b, p.score, list(p.reasons), views[study_key[p.key_a]], views[study_key[p.key_b]])
        for p in pairs
        if study_key.get(p.key_a) in views and study_key.get(p.key_b) in views
    ]


@dataclass(slots=True)
class TagReview:
    """The tag review: the proposals a curator answers now, and how many wait for their
    studies to be screened first."""

    queue: list[TagReviewItem]
    awaiting_screening: int  # proposals of studies not screened yet
    unpublished: dict[str, int] = field(default_factory=dict)  # studies by status the site leaves out


def tag_review(session: Session, below: float, published: Container[int], undecided: Container[int]) -> TagReview:
    """The tagger's proposals under confidence `below` that no curator has answered yet, of
    the studies the site publishes; those of studies not screened yet are only counted,
    and an excluded study's are left out: a study's tags are worth checking once it is
    known to use MIPEX, and a search's hundreds of off-topic records would bury the rest."""
    rows = session.exec(
        select(Study.id, Study.key, Tag.facet, Tag.code, Tag.confidence, Tag.rule, Tag.evidence)
        .join(Study, col(Study.id) == col(Tag.study_id))
        .where(Tag.confidence < below, col(Tag.facet).in_(list(FACET_FIELDS)[:4]))
        .order_by(col(Study.key), col(Tag.facet), col(Tag.code))
    ).all()
    effective = effective_tags(session, {row[0] for row in rows})
    unanswered = [row for row in rows if effective.get(row[0], {}).get(row[2], {}).get(row[3]) == AUTO]
    shown = [row for row in unanswered if row[0] in published]
    titles = {v.key: str(v.fields.get("title", "")) for v in load_views(session, keys={row[1] for row in shown})}
    return TagReview(
        [
            TagReviewItem(key, titles.get(key, ""), facet, code, confidence, rule, list(evidence))
            for _, key, facet, code, confidence, rule, evidence in shown
        ],
        sum(1 for row in unanswered if row[0] in undecided and row[0] not in published),
    )


def tag_evidence(session: Session, study_key: str) -> tuple[StudyView, list[Tag], list[Decision]]:
    """A study's tags, the tagger's proposals behind them, and the curators' changes
    (detached from the session, to be read after it closes)."""
    view = load_views(session, keys=[study_key])[0]
    study_id = session.exec(select(Study.id).where(Study.key == study_key)).one()
    proposals = list(session.exec(select(Tag).where(Tag.study_id == study_id).order_by(col(Tag.facet))))
    members = {r.key for r in view.records if r.key}
    changes = [
        d
        for d in session.exec(
            select(Decision).where(Decision.action == TAG, col(Decision.undone).is_(False)).order_by(col(Decision.seq))
        )
        if d.keys[0] in members
    ]
    for item in [*proposals, *changes]:
        session.expunge(item)
    return view, proposals, changes


def grouping_history(session: Session, study_key: str) -> tuple[list[Decision], list[ReviewPair]]:
    """Why a study holds the records it holds: the decisions that touched its records,
    and the pairs with it still waiting for review (detached from the session)."""
    study_id = session.exec(select(Study.id).where(Study.key == study_key)).one()
    members = set(session.exec(select(Record.key).where(Record.study_id == study_id, col(Record.key).is_not(None))))
    decisions = [d for d in session.exec(select(Decision).order_by(col(Decision.seq))) if members & set(d.keys)]
    pending = [
        p
        for p in session.exec(select(ReviewPair).order_by(col(ReviewPair.id)))
        if p.key_a in members or p.key_b in members
    ]
    for item in [*decisions, *pending]:
        session.expunge(item)
    return decisions, pending


def counts(session: Session) -> Counts:
    """Sources, records (failed, pasted abstracts), studies and warnings in the store."""

    def records(*conditions) -> int:  # type: ignore[no-untyped-def]
        query = select(func.count()).select_from(Record)
        for condition in conditions:
            query = query.where(condition)
        return session.exec(query).one()

    return Counts(  # a withdrawn import counts no more (`history` shows it)
        sources=session.exec(select(func.count()).select_from(Source).where(col(Source.withdrawn).is_(False))).one(),
        records=records(Record.status != "withdrawn"),
        failed=records(Record.status == "failed"),
        abstracts=records(Record.kind == "abstract", Record.status == "ok"),
        studies=session.exec(select(func.count()).select_from(Study)).one(),
        warnings=sum(len(w) for w in session.exec(select(Record.warnings).where(Record.status != "withdrawn"))),
        screening=dict(Counter(s.status for s in all_screening(session).values())),
    )


def failures(session: Session) -> list[Failure]:
    """Entries that could not be read, in import order, with their text."""
    paths = dict(session.exec(select(Source.id, Source.path)).all())
    rows = session.exec(select(Record).where(Record.status == "failed").order_by(col(Record.seq)))
    return [Failure(paths[r.source_id], r.line, r.fields.get("key_as_written"), r.error or "", r.raw) for r in rows]


def provenance(session: Session, view: StudyView) -> list[Provenance]:
    """Where each record of a study came from: file, line, import time, warnings."""
    sources = {s.id: s for s in session.exec(select(Source.id, Source.path, Source.imported_at)).all()}
    return [
        Provenance(r.key, r.kind, sources[r.source_id].path, r.line, sources[r.source_id].imported_at, list(r.warnings))
        for r in view.records
    ]
