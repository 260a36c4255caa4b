"""The library's history, and taking any change in it back.

A change is one import, or one curator's or one automatic step (a `dedupe` run's merges,
an edit, a tag change, a screening answer): the decisions logged together. `undo` never
erases: it logs a new decision, `undo` (naming the decisions it takes back) or `withdraw`
(naming an import, whose records leave their studies while the file stays in `bib/`), and
the store is rebuilt from `bib/` with the decisions in force. An undo can itself be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tracker.models import Decision, Record, Source
from tracker.store.grouping import settle_keys

UNDO, WITHDRAW = "undo", "withdraw"


def cancelled_seqs(decisions: Iterable[Mapping[str, Any]]) -> set[int]:
    """The decisions taken back by an `undo` in force (an undo undone restores them)."""
    cancelled: set[int] = set()
    for item in sorted(decisions, key=lambda d: d["seq"], reverse=True):
        if item["seq"] in cancelled or item["action"] != UNDO:
            continue
        cancelled.update(int(seq) for seq in item["values"]["undo"])
    return cancelled


def withdraw_import(session: Session, source_seq: int) -> None:
    """The import's records leave their studies (a study left empty goes; one that kept
    other records is rendered again); their keys are free again for a better import."""
    source = session.exec(select(Source).where(Source.seq == source_seq)).first()
    if source is None:
        return
    source.withdrawn = True
    session.add(source)
    studies = {s for s in session.exec(select(Record.study_id).where(Record.source_id == source.id)) if s is not None}
    session.connection().execute(
        update(Record.__table__)
        .where(Record.__table__.c.source_id == source.id)
        .values(status="withdrawn", study_id=None, key=None)
    )
    settle_keys(session, studies)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the history: an import, or decisions logged together."""

    number: int
    when: str
    by: str
    action: str  # import, or the decisions' action
    keys: tuple[str, ...]  # the record keys the decisions name (first few)
    count: int  # decisions, or the import's entries
    description: str
    decisions: tuple[int, ...] = ()
    source: int | None = None
    undone: bool = False
    undoes: tuple[int, ...] = ()  # an undo's: the decisions it takes back
    withdraws: int | None = None  # a withdrawal's: the import (its seq)


def _describe(action: str, rows: list[Decision]) -> str:
    keys = [k for d in rows for k in d.keys]
    shown = ", ".join(dict.fromkeys(keys[:4])) + (" ..." if len(set(keys)) > 4 else "")
    values = rows[0].values
    if action == "merge":
        return f"{'merged' if len(rows) == 1 else f'{len(rows)} merges:'} {shown}"
    if action == "different":
        return f"judged different works: {shown}"
    if action == "split":
        return f"split {shown}"
    if action == "edit":
        return f"edited {shown}: " + ", ".join(
            f"{k}={'(removed)' if v is None else v!r}"[:60] for k, v in values.items()
        )
    if action == "tag":
        changes = [f"+{c}" for d in rows for c in d.values.get("add", [])]
        changes += [f"-{c}" for d in rows for c in d.values.get("remove", [])]
        return f"tags of {shown}: {' '.join(dict.fromkeys(changes))}"
    if action == "screen":
        if "undo" in values:
            return f"took back the screening answer {values['undo']} ({shown})"
        return f"screened {shown}: {values.get('status')}" + (f" ({values['reason']})" if values.get("reason") else "")
    if action == UNDO:
        return f"undid decision{'s' if len(values['undo']) > 1 else ''} {', '.join(map(str, values['undo'][:6]))}"
    if action == WITHDRAW:
        return f"withdrew import {values['import']}"
    return f"{action} {shown}"


def history(session: Session) -> list[Change]:
    """Every change, in the order a rebuild replays them (each import, then the decisions
    logged after it), numbered from 1."""
    sources = list(
        session.exec(
            select(Source.seq, Source.path, Source.format, Source.imported_at, Source.withdrawn, Source.id).order_by(
                col(Source.seq)
            )
        )
    )
    counts = dict(
        session.exec(select(Record.source_id, func.count()).group_by(col(Record.source_id))).all()  # type: ignore[arg-type]
    )
    decisions = list(session.exec(select(Decision).order_by(col(Decision.seq))))
    groups: list[list[Decision]] = []
    for decision in decisions:
        last = groups[-1][-1] if groups else None
        # one command's decisions share their moment (a dedupe run's merges, a split in three)
        same = last is not None and (last.action, last.by, last.made_at, last.after_import) == (
            decision.action,
            decision.by,
            decision.made_at,
            decision.after_import,
        )
        if same:
            groups[-1].append(decision)
        else:
            groups.append([decision])
    timeline: list[tuple[int, int, Change]] = []
    for seq, path, fmt, imported_at, withdrawn, source_id in sources:
        entries = counts.get(source_id, 0)
        change = Change(
            0,
            imported_at,
            "curator",
            "import",
            (),
            entries,
            f"imported {path} as {fmt} ({entries} {'entry' if entries == 1 else 'entries'})",
            source=seq,
            undone=withdrawn,
        )
        timeline.append((seq, 0, change))
    for rows in groups:
        first = rows[0]
        change = Change(
            0,
            first.made_at,
            first.by,
            first.action,
            tuple(dict.fromkeys(k for d in rows for k in d.keys))[:8],
            len(rows),
            _describe(first.action, rows),
            tuple(d.seq for d in rows),
            undone=all(d.undone for d in rows),
            undoes=tuple(int(s) for d in rows if d.action == UNDO for s in d.values["undo"]),
            withdraws=int(first.values["import"]) if first.action == WITHDRAW else None,
        )
        timeline.append((first.after_import, first.seq, change))
    timeline.sort(key=lambda item: (item[0], item[1]))
    numbered = [replace(change, number=n) for n, (_, _, change) in enumerate(timeline, start=1)]
    by_decision = {seq: change for change in numbered for seq in change.decisions}
    for index, change in enumerate(numbered):
        if change.undoes:  # an undo is told by the changes it took back, not by decision numbers
            taken = list(dict.fromkeys(by_decision[s].number for s in change.undoes if s in by_decision))
            what = "; ".join(f"{n} ({numbered[n - 1].description})" for n in taken[:3])
            numbered[index] = replace(change, description=f"undid change {what}")
    for index, change in enumerate(numbered):
        if change.withdraws is not None:
            source = next((c for c in numbered if c.source == change.withdraws), None)
            if source is not None:
                numbered[index] = replace(change, description=f"withdrew change {source.number} ({source.description})")
    return numbered
