"""Moving records between studies: the only way studies are merged or split.

Records are never deleted or changed by grouping; a study is just the set of records that
point to it. Two rules keep keys stable and meaningful:

- a study's key is the key of its earliest keyed record (import order), so merging into
  the study whose record came first keeps its key, and the others' keys become aliases
  (`ids` in every export) that still find the study;
- a study that loses all its records disappears (there is nothing left to show); one that
  gains or loses records is rendered again for `bib/library.bib`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, col, select

from tracker.db import in_chunks
from tracker.models import Record, Study, Tag
from tracker.store.rendered import refresh_rendered


def _first_keyed_seq(session: Session, study_ids: Collection[int]) -> dict[int, int]:
    """Each study's earliest keyed record (its seq): what decides which key a study keeps."""
    found: dict[int, int] = {}
    for chunk in in_chunks(sorted(study_ids)):
        query = (
            select(Record.study_id, func.min(Record.seq))
            .where(col(Record.study_id).in_(chunk), col(Record.key).is_not(None))
            .group_by(col(Record.study_id))
        )
        found.update({study: seq for study, seq in session.exec(query) if study is not None})
    return found


def forget_tags(session: Session, study_ids: Sequence[int]) -> None:
    """Drop the tagger's tags of studies whose records changed: the next `tag` run tags
    them again from what they now hold (a curator's tags are decisions, kept)."""
    tags = Tag.__table__
    for chunk in in_chunks(sorted(set(study_ids))):
        session.connection().execute(delete(tags).where(tags.c.study_id.in_(chunk)))


def merge_studies(session: Session, groups: Sequence[Collection[int]]) -> list[int]:
    """Merge each group of study ids into one study: the one whose record came first.
    Returns the surviving study ids (one per group of two or more)."""
    wanted = [set(g) for g in groups if len(set(g)) > 1]
    first = _first_keyed_seq(session, {s for g in wanted for s in g})
    moves: list[dict[str, int]] = []
    survivors: list[int] = []
    for group in wanted:
        target = min(group, key=lambda study: (first.get(study, 1 << 62), study))
        survivors.append(target)
        moves.extend({"old": study, "new": target} for study in group if study != target)
    if moves:
        connection = session.connection()
        records = Record.__table__
        studies = Study.__table__
        connection.execute(
            update(records).where(records.c.study_id == bindparam("old")).values(study_id=bindparam("new")), moves
        )
        forget_tags(session, [m["old"] for m in moves] + survivors)
        connection.execute(delete(studies).where(studies.c.id == bindparam("old")), moves)
        refresh_rendered(session, survivors)
    return survivors


def split_off(session: Session, record_ids: Sequence[int]) -> list[int]:
    """Each record leaves its study for a new study of its own. The studies left behind
    take their next earliest key when they lost the one they had. Returns the new ids."""
    if not record_ids:
        return []
    rows = session.exec(select(Record.id, Record.study_id).where(col(Record.id).in_(list(record_ids)))).all()
    touched = {study for _, study in rows if study is not None}
    seq = session.exec(select(func.max(Study.seq))).one() or 0
    created: list[int] = []
    for record_id, _ in rows:
        seq += 1
        study = Study(key=f" new {record_id}", seq=seq)  # the real key is set below
        session.add(study)
        session.flush()
        session.connection().execute(
            update(Record.__table__).where(Record.__table__.c.id == record_id).values(study_id=study.id)
        )
        created.append(study.id)  # type: ignore[arg-type]
    settle_keys(session, [*touched, *created])
    return created


def settle_keys(session: Session, study_ids: Collection[int]) -> None:
    """Give each study the key of its earliest keyed record, drop studies left without
    records, and render the rest again. Keys go to placeholders first (with a space, which
    no real key has) and to the real ones after, so two studies trading keys never meet
    the uniqueness constraint halfway."""
    ids = sorted(set(study_ids))
    studies = Study.__table__
    first = _first_keyed_seq(session, ids)
    empty = [study for study in ids if study not in first]
    remaining = [study for study in ids if study in first]
    connection = session.connection()
    forget_tags(session, ids)
    if empty:
        orphans = session.exec(select(func.count()).select_from(Record).where(col(Record.study_id).in_(empty))).one()
        if orphans:  # records without keys (attached abstracts) cannot make a study alone
            raise ValueError("a study cannot be left with only unkeyed records")
        connection.execute(delete(studies).where(studies.c.id == bindparam("old")), [{"old": s} for s in empty])
    if not remaining:
        return
    keys: dict[int, str] = {}
    for chunk in in_chunks(sorted(first.values())):
        keys.update(session.exec(select(Record.seq, Record.key).where(col(Record.seq).in_(chunk))).all())  # type: ignore[arg-type]
    connection.execute(
        update(studies).where(studies.c.id == bindparam("sid")).values(key=bindparam("k")),
        [{"sid": study, "k": f" settling {study}"} for study in remaining],
    )
    connection.execute(
        update(studies).where(studies.c.id == bindparam("sid")).values(key=bindparam("k")),
        [{"sid": study, "k": keys[first[study]]} for study in remaining],
    )
    refresh_rendered(session, remaining)
