"""Each study's screening status: a curator's answer above all, else evidence, else undecided.

A curator's answers are `screen` decisions (see `tracker.store.decisions`), logged in order
and kept in `bib/decisions.json`: `{"status": "included"|"excluded", "reason": ..., "note":
...}` for the studies named (one, or many for a bulk exclusion), or `{"undo": SEQ}`, which
takes an earlier answer back. The latest answer that names any record of a study decides
it, so a merge or a split never loses one, and no automatic step ever overrides one.

A study nobody answered for is `included` when one of its records names MIPEX in its
title, abstract or keywords (the phrases are the evidence), else `undecided`. That is read
from the records each time, never stored, so it can never go stale after a merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from tracker.models import AUTO, CURATOR, Decision, Record
from tracker.screening import EXCLUDED, INCLUDED, SCREEN, UNDECIDED, Screening
from tracker.screening.vocabulary import mipex_evidence

#: The export field of a decided study's status ("included", "excluded: reason").
SCREENING_FIELD = "mipex-screening"


@dataclass(frozen=True, slots=True)
class Answer:
    """One curator's answer still in force."""

    seq: int
    keys: tuple[str, ...]
    status: str
    reason: str
    note: str
    made_at: str


def answers_in_force(session: Session) -> list[Answer]:
    """The curators' screening answers not taken back, in the order made."""
    rows = session.exec(
        select(Decision.seq, Decision.keys, Decision.values, Decision.made_at)
        .where(Decision.action == SCREEN, col(Decision.undone).is_(False))
        .order_by(col(Decision.seq))
    ).all()
    undone = {int(values["undo"]) for _, _, values, _ in rows if "undo" in values}
    return [
        Answer(seq, tuple(keys), values["status"], values.get("reason", ""), values.get("note", ""), made_at)
        for seq, keys, values, made_at in rows
        if "undo" not in values and seq not in undone
    ]


def curator_screening(session: Session, answers: Sequence[Answer] | None = None) -> dict[int, Screening]:
    """Study id -> the latest curator answer naming any of its records."""
    answers = answers_in_force(session) if answers is None else answers
    if not answers:
        return {}
    keys = list({key for answer in answers for key in answer.keys})
    study_of: dict[str, int] = {}
    for start in range(0, len(keys), 2000):
        chunk = keys[start : start + 2000]
        rows = session.exec(select(Record.key, Record.study_id).where(col(Record.key).in_(chunk)))
        study_of.update({key: study for key, study in rows if key is not None and study is not None})
    found: dict[int, Screening] = {}
    for answer in answers:
        screening = Screening(answer.status, CURATOR, answer.reason, answer.note, (), answer.made_at)
        for key in answer.keys:
            if key in study_of:
                found[study_of[key]] = screening
    return found


def screening_texts(fields: Mapping[str, Any]) -> list[str]:
    """The parts of a record that screening reads: title, abstract, keywords."""
    keywords = fields.get("keywords") or []
    return [
        str(fields.get("title") or ""),
        str(fields.get("abstract") or ""),
        "; ".join(map(str, keywords)) if isinstance(keywords, list) else str(keywords),
    ]


def screening_of(records_fields: Iterable[Mapping[str, Any]], curator: Screening | None) -> Screening:
    """One study's status from its records' fields and a curator's answer (if any)."""
    if curator is not None:
        return curator
    evidence = mipex_evidence(text for fields in records_fields for text in screening_texts(fields))
    if evidence:
        return Screening(INCLUDED, AUTO, evidence=evidence)
    return Screening(UNDECIDED)


def all_screening(session: Session) -> dict[int, Screening]:
    """Every study's status (study id -> Screening), reading only what screening needs."""
    curator = curator_screening(session)
    texts: dict[int, list[dict[str, Any]]] = {}
    rows = session.exec(
        select(Record.study_id, Record.fields).where(col(Record.study_id).is_not(None), Record.status == "ok")
    )
    for study, fields in rows:
        texts.setdefault(study, []).append(fields)  # type: ignore[arg-type]
    return {study: screening_of(fields, curator.get(study)) for study, fields in texts.items()}


def screening_field(screening: Screening, reason_words: str) -> dict[str, str]:
    """The export field of a decided study (none for an undecided one)."""
    if screening.status == INCLUDED:
        return {SCREENING_FIELD: INCLUDED}
    if screening.status == EXCLUDED:
        return {SCREENING_FIELD: f"{EXCLUDED}: {reason_words}" if reason_words else EXCLUDED}
    return {}
