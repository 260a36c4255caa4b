"""Curators' and dedupe's decisions: made once, applied at once, kept in `bib/decisions.json`.

Every change to which records form a study is a `Decision` row, in order — automatic merges
by `dedupe` as much as a curator's `merge`, `split` and review answers — so that:

- a rebuild of the store from `bib/` replays each decision after the import it followed,
  and gets the same studies with the same keys;
- a curator's "these are different" (a review answer or a `split`) is a pair that no later
  `dedupe` run may join, and a curator's merge is never undone but by a curator's split;
- `show` can say why a study holds the records it holds;
- a curator's edit of a study's fields stands above whatever its records say.

The review queue (pairs waiting for an answer) is written next to the decisions, so a
colleague who pulls `bib/` finds the same queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from tracker.config import LibraryPaths
from tracker.db import in_chunks
from tracker.models import Decision, Meta, Record, ReviewPair, Source
from tracker.screening import SCREEN
from tracker.store.files import ImageFileError, read_image_json
from tracker.store.grouping import merge_studies, split_off
from tracker.store.history import UNDO, WITHDRAW, withdraw_import
from tracker.store.journal import ImageChange
from tracker.store.rendered import refresh_rendered

MERGE, DIFFERENT, SPLIT, EDIT, TAG = "merge", "different", "split", "edit", "tag"
#: Decisions whose `values` say what changed (the views read them as they build).
WITH_VALUES = (EDIT, TAG, SCREEN, UNDO, WITHDRAW)
#: Meta row: the last record seq a `dedupe` run has compared (what "new" means next time).
COMPARED_THROUGH = "compared_through"


@dataclass(slots=True)
class DecisionsFile:
    """`bib/decisions.json` as read."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    compared_through: int = 0


def fingerprints(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """Each record key's fingerprint (the identity of its entry's text)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, str] = {}
    for chunk in in_chunks(wanted):
        found.update(session.exec(select(Record.key, Record.fingerprint).where(col(Record.key).in_(chunk))).all())  # type: ignore[arg-type]
    return found


def keys_of_fingerprints(session: Session, prints: Iterable[str]) -> dict[str, str]:
    """The key of the record (in force) each fingerprint names."""
    wanted = [p for p in dict.fromkeys(prints) if p]
    found: dict[str, str] = {}
    for chunk in in_chunks(wanted):
        query = select(Record.fingerprint, Record.key).where(
            col(Record.fingerprint).in_(chunk), col(Record.key).is_not(None), Record.status != "withdrawn"
        )
        found.update(session.exec(query).all())  # type: ignore[arg-type]
    return found


def record_ids(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Record ids by key (keys that name no record are left out)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    return dict(session.exec(select(Record.key, Record.id).where(col(Record.key).in_(wanted))).all())  # type: ignore[arg-type]


def studies_of(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """The study id of each record key."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    rows = session.exec(select(Record.key, Record.study_id).where(col(Record.key).in_(wanted))).all()
    return {key: study for key, study in rows if key is not None and study is not None}


@dataclass(frozen=True, slots=True)
class Proposed:
    """A decision about to be logged."""

    action: str
    by: str
    keys: tuple[str, ...]
    score: float | None = None
    reasons: tuple[str, ...] = ()
    values: Mapping[str, Any] | None = None


def log_decisions(session: Session, proposed: Sequence[Proposed], made_at: str) -> list[Decision]:
    """Log decisions in one statement (a dedupe run makes thousands); the caller applies
    them, or already has. Returns them as rows to apply."""
    if not proposed:
        return []
    last = session.exec(select(func.max(Decision.seq))).one() or 0
    imports = session.exec(select(func.max(Source.seq))).one() or 0
    prints = fingerprints(session, [key for item in proposed for key in item.keys])
    rows = [
        {
            "seq": last + offset,
            "action": item.action,
            "by": item.by,
            "keys": list(item.keys),
            "score": item.score,
            "reasons": list(item.reasons),
            "made_at": made_at,
            "after_import": imports,
            "values": dict(item.values or {}),
            "records": [prints.get(key, "") for key in item.keys] if any(k in prints for k in item.keys) else [],
        }
        for offset, item in enumerate(proposed, start=1)
    ]
    session.connection().execute(insert(Decision.__table__), rows)
    return [Decision(**row) for row in rows]


def add_decision(
    session: Session,
    action: str,
    by: str,
    keys: Sequence[str],
    *,
    score: float | None = None,
    reasons: Sequence[str] = (),
    values: Mapping[str, Any] | None = None,
    made_at: str,
) -> Decision:
    """Log one decision (the caller applies it)."""
    return log_decisions(session, [Proposed(action, by, tuple(keys), score, tuple(reasons), values)], made_at)[0]


def apply_decision(session: Session, decision: Decision) -> None:
    """Make the store agree with one decision. `merge`: the records' studies become one.
    `split`: the first record leaves its study for one of its own. `different`: nothing
    moves; the pair is remembered (see `kept_apart`). Keys that name no record (a library
    edited by hand) are passed over."""
    if decision.action == MERGE:
        found = studies_of(session, decision.keys)
        merge_studies(session, [set(found.values())])
    elif decision.action == SPLIT:
        leaving = record_ids(session, decision.keys[:1])
        if leaving:
            split_off(session, list(leaving.values()))
    elif decision.action == WITHDRAW:
        withdraw_import(session, int(decision.values["import"]))
    elif decision.action in WITH_VALUES:  # the views read these as they build: render the study again
        refresh_rendered(session, studies_of(session, decision.keys).values())


def kept_apart(session: Session) -> set[tuple[str, str]]:
    """Record-key pairs (sorted) that a curator said are different works and that are
    still in different studies (a later curator merge overrides an earlier answer)."""
    pairs: set[tuple[str, str]] = set()
    rows = session.exec(
        select(Decision.action, Decision.keys).where(
            col(Decision.action).in_([DIFFERENT, SPLIT]), col(Decision.undone).is_(False)
        )
    )
    for action, keys in rows:
        if action == DIFFERENT:
            pairs.update(tuple(sorted(p)) for p in combinations(keys, 2))  # type: ignore[misc]
        else:
            pairs.update(tuple(sorted((keys[0], other))) for other in keys[1:])  # type: ignore[misc]
    if not pairs:
        return pairs
    study = studies_of(session, {k for pair in pairs for k in pair})
    return {(a, b) for a, b in pairs if a in study and b in study and study[a] != study[b]}


def compared_through(session: Session) -> int:
    row = session.get(Meta, COMPARED_THROUGH)
    return int(row.value) if row else 0


def set_compared_through(session: Session, seq: int) -> None:
    session.merge(Meta(name=COMPARED_THROUGH, value=str(seq)))


# -- the text image --------------------------------------------------------------------------


def write_decisions_file(session: Session, paths: LibraryPaths, change: ImageChange) -> None:
    """Write `bib/decisions.json` (only when there is something to write)."""
    columns = (Decision.seq, Decision.action, Decision.by, Decision.keys, Decision.score, Decision.reasons)
    rows = session.exec(
        select(*columns, Decision.made_at, Decision.after_import, Decision.values, Decision.records).order_by(
            col(Decision.seq)
        )
    )
    decisions = [
        {
            "seq": seq,
            "action": action,
            "by": by,
            "keys": keys,
            "score": score,
            "reasons": reasons,
            "made_at": made_at,
            "after_import": after_import,
            **({"values": values} if action in WITH_VALUES else {}),
            **({"records": records} if records else {}),
        }
        for seq, action, by, keys, score, reasons, made_at, after_import, values, records in rows
    ]
    review = [
        {"keys": [p.key_a, p.key_b], "score": p.score, "reasons": p.reasons}
        for p in session.exec(select(ReviewPair).order_by(col(ReviewPair.id)))
    ]
    through = compared_through(session)
    if not decisions and not review and not through and not paths.decisions.exists():
        return
    change.write(paths.decisions, _one_item_a_line(through, decisions, review).encode())


def _one_item_a_line(through: int, decisions: list[dict], review: list[dict]) -> str:
    """The decisions file as JSON with one decision (and one queued pair) a line: a new
    decision is a one-line diff in git, and the writing takes a fraction of a second
    where pretty-printing a hundred thousand decisions took seconds."""

    def items(values: list[dict]) -> str:
        if not values:
            return "[]"
        return "[\n  " + ",\n  ".join(json.dumps(value, ensure_ascii=False) for value in values) + "\n ]"

    return f'{{\n "compared_through": {through},\n "decisions": {items(decisions)},\n "review": {items(review)}\n}}\n'


def read_decisions_file(paths: LibraryPaths) -> DecisionsFile:
    """`bib/decisions.json`, or an empty one when there is none."""
    if not paths.decisions.exists():
        return DecisionsFile()
    try:
        data = read_image_json(paths.decisions)
        return DecisionsFile(
            decisions=sorted(data.get("decisions", []), key=lambda d: d["seq"]),
            review=list(data.get("review", [])),
            compared_through=int(data.get("compared_through", 0)),
        )
    except ImageFileError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{paths.decisions}: not a decisions file the tracker wrote ({error})") from error


def replay_decisions(session: Session, decisions: Sequence[dict[str, Any]], cancelled: set[int]) -> list[str]:
    """Log and apply decisions read from `bib/decisions.json` (during a rebuild); those
    an undo took back (`cancelled`) are logged as undone and not applied. A key that no
    longer names the record the decision was about (two imports used the key and a git
    merge put them in another order) is re-pointed by the record's fingerprint; returns
    what was re-pointed, in words."""
    prints = keys_of_fingerprints(session, [p for item in decisions for p in item.get("records", [])])
    said: list[str] = []
    for item in decisions:
        keys = list(item["keys"])
        for index, print_ in enumerate(item.get("records", [])[: len(keys)]):
            now = prints.get(print_)
            if now and now != keys[index]:
                said.append(
                    f"decision {item['seq']} ({item['action']}) named {keys[index]!r}; that entry is "
                    f"{now!r} in this library (two imports used the key): applied to {now!r}"
                )
                keys[index] = now
        decision = Decision(
            seq=item["seq"],
            action=item["action"],
            by=item["by"],
            keys=keys,
            score=item.get("score"),
            reasons=list(item.get("reasons", [])),
            made_at=item["made_at"],
            after_import=item.get("after_import", 0),
            values=dict(item.get("values", {})),
            undone=item["seq"] in cancelled,
            records=list(item.get("records", [])),
        )
        session.add(decision)
        if not decision.undone:
            apply_decision(session, decision)
    return said


def restore_review(session: Session, document: DecisionsFile) -> None:
    """Put back the review queue and the dedupe mark after a rebuild."""
    session.connection().execute(delete(ReviewPair.__table__))
    for item in document.review:
        key_a, key_b = item["keys"]
        session.add(ReviewPair(key_a=key_a, key_b=key_b, score=item["score"], reasons=list(item["reasons"])))
    set_compared_through(session, document.compared_through)
