"""The tagger's proposals in the text image: `bib/tags.json`, written with `bib/` and read
back when the store is rebuilt, so a rebuild has the same tags without tagging again."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from tracker.config import LibraryPaths
from tracker.models import Study, Tag
from tracker.store.files import read_image_json
from tracker.store.journal import ImageChange
from tracker.store.rendered import refresh_rendered


def write_tags_file(session: Session, paths: LibraryPaths, change: ImageChange) -> None:
    """`bib/tags.json`: the tagger's proposals by study key (written when there are any)."""
    rows = session.exec(
        select(Study.key, Tag.facet, Tag.code, Tag.confidence, Tag.rule, Tag.evidence)
        .join(Study, col(Study.id) == col(Tag.study_id))
        .order_by(col(Study.key), col(Tag.facet), col(Tag.code))
    ).all()
    if not rows and not paths.tags.exists():
        return
    document: dict[str, list[dict[str, Any]]] = {}
    for key, facet, code, confidence, rule, evidence in rows:
        document.setdefault(key, []).append(
            {"facet": facet, "code": code, "confidence": confidence, "rule": rule, "evidence": evidence}
        )
    text = json.dumps(dict(sorted(document.items())), ensure_ascii=False, indent=1) + "\n"
    change.write(paths.tags, text.encode())


def restore_tags(session: Session, paths: LibraryPaths) -> None:
    """Put the tagger's proposals back after a rebuild (studies that no longer exist are
    passed over)."""
    if not paths.tags.exists():
        return
    document = read_image_json(paths.tags)
    studies = dict(session.exec(select(Study.key, Study.id)).all())
    rows = [{"study_id": studies[key], **item} for key, items in document.items() if key in studies for item in items]
    if rows:
        session.connection().execute(insert(Tag.__table__), rows)
        refresh_rendered(session, {row["study_id"] for row in rows})
