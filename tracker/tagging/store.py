"""Running the tagger over a library's studies and keeping its proposals.

`tag` tags the studies that have no proposals yet — new ones, and those whose records a
merge or split changed (see `grouping.forget_tags`) — or, with `everything`, all of them
again (after a vocabulary changed). The proposals are written to `bib/tags.json` too, so
a rebuilt store has the same tags without running the tagger.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from tracker.dedupe import StageProgress
from tracker.models import Study, Tag
from tracker.store.rendered import refresh_rendered
from tracker.store.views import load_views
from tracker.tagging import tag_many

#: Below this confidence a proposal waits for a curator's look (`review tags`).
REVIEW_BELOW = 0.6


@dataclass(slots=True)
class TagReport:
    studies: int = 0  # tagged in this run
    untouched: int = 0  # already tagged, left as they were
    codes: dict[str, Counter] = field(default_factory=dict)  # facet -> code -> studies
    low_confidence: int = 0


def run_tagging(session: Session, *, everything: bool = False, progress: StageProgress | None = None) -> TagReport:
    """Tag the studies without proposals (or all), replacing their proposals."""
    tagged = set(session.exec(select(Tag.study_id).distinct()))
    studies = dict(session.exec(select(Study.key, Study.id)).all())
    wanted = [key for key, study in studies.items() if everything or study not in tagged]
    report = TagReport(untouched=len(studies) - len(wanted))
    rows: list[dict[str, Any]] = []
    views = load_views(session, keys=wanted) if wanted else []
    inputs = [
        (str(v.fields.get("title", "")), str(v.fields.get("abstract", "")), _keywords(v.fields.get("keywords")))
        for v in views
    ]
    for done, (view, tagging) in enumerate(zip(views, tag_many(inputs), strict=True), start=1):
        for proposal in tagging.proposals:
            rows.append(
                {
                    "study_id": studies[view.key],
                    "facet": proposal.facet,
                    "code": proposal.code,
                    "confidence": proposal.confidence,
                    "rule": proposal.rule,
                    "evidence": proposal.evidence[:8],
                }
            )
            report.codes.setdefault(proposal.facet, Counter())[proposal.code] += 1
            report.low_confidence += proposal.confidence < REVIEW_BELOW
        if progress and (done % 2000 == 0 or done == len(views)):
            progress("tagging studies", done, len(views))
    ids = [studies[v.key] for v in views]
    tags = Tag.__table__
    for start in range(0, len(ids), 2000):
        session.connection().execute(delete(tags).where(tags.c.study_id.in_(ids[start : start + 2000])))
    if rows:
        session.connection().execute(insert(tags), rows)
    refresh_rendered(session, ids)
    report.studies = len(views)
    return report


def _keywords(value: object) -> list[str] | None:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else None
