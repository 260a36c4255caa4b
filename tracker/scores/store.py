"""Keeping scores in the store and in `bib/scores/`.

A re-import replaces the value of a (country, area, year, edition, level, place,
indicator) and counts what changed; asked to, it replaces its editions whole, removing the
values it no longer holds (a corrected download of an edition, or indicators renamed). The
text image holds the strand and overall scores in `bib/scores/scores.csv` and the indicator
scores in `bib/scores/indicators.csv` — tidy files with their source named on every row,
which a rebuild reads back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, bindparam, delete, insert, update
from sqlmodel import Session, col, select

from tracker.models import Score
from tracker.scores import ReadScores, ScoreRow
from tracker.scores.tidy import read_tidy
from tracker.store.files import read_image_text
from tracker.store.journal import ImageChange

#: Ids per DELETE statement (SQLite allows 32,766 variables in one).
_DELETE_BATCH = 10_000
COLUMNS = ("country", "area", "year", "score", "edition", "level", "place", "indicator", "title", "source")


@dataclass(slots=True)
class ScoreImport:
    """What an import did to the stored scores; `added + changed + relabelled + unchanged +
    repeated` is every row read."""

    added: int = 0
    changed: int = 0  # a different value
    relabelled: int = 0  # the same value, another source or title
    unchanged: int = 0
    repeated: int = 0  # the same score twice in the file: the first stands
    removed: int = 0


def _identity(score: Score) -> tuple:
    return (score.country, score.area, score.year, score.edition, score.level, score.place, score.indicator)


def store_scores(session: Session, rows: Iterable[ScoreRow], *, replace_editions: bool = False) -> ScoreImport:
    """Add new scores, replace changed values; one statement for each kind. With
    `replace_editions`, the scores of the rows' editions that the rows do not hold go."""
    existing = {_identity(s): (s.id, s.value, s.source, s.title) for s in session.exec(select(Score))}
    report = ScoreImport()
    inserts: list[dict] = []
    updates: list[dict] = []
    seen: set[tuple] = set()
    for row in rows:
        if row.identity in seen:
            report.repeated += 1  # the same score twice in one file: the first stands
            continue
        seen.add(row.identity)
        found = existing.get(row.identity)
        if found is None:
            inserts.append(_as_dict(row))
            report.added += 1
        elif (found[1], found[2], found[3]) != (row.value, row.source, row.title):
            updates.append({"sid": found[0], "v": row.value, "s": row.source, "t": row.title})
            if found[1] != row.value:
                report.changed += 1
            else:
                report.relabelled += 1
        else:
            report.unchanged += 1
    connection = session.connection()
    if replace_editions:
        editions = {identity[3] for identity in seen}
        gone = [found[0] for identity, found in existing.items() if identity[3] in editions and identity not in seen]
        for start in range(0, len(gone), _DELETE_BATCH):
            connection.execute(
                delete(Score.__table__).where(Score.__table__.c.id.in_(gone[start : start + _DELETE_BATCH]))
            )
        report.removed = len(gone)
    if inserts:
        connection.execute(insert(Score.__table__), inserts)
    if updates:
        table = Score.__table__
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("sid"))
            .values(value=bindparam("v"), source=bindparam("s"), title=bindparam("t")),
            updates,
        )
    return report


def load_score_rows(session: Session, *where: ColumnElement[bool]) -> list[ScoreRow]:
    """The stored scores (those matching `where`) as plain rows: a site build reads tens of
    thousands (MPG's indicators), and ORM objects took three times as long to load."""
    columns = [getattr(Score, name) for name in ScoreRow.__dataclass_fields__]
    return [ScoreRow(*row) for row in session.exec(select(*columns).where(*where))]


def _as_dict(row: ScoreRow) -> dict:
    return {
        "country": row.country,
        "area": row.area,
        "year": row.year,
        "value": row.value,
        "edition": row.edition,
        "level": row.level,
        "place": row.place,
        "source": row.source,
        "indicator": row.indicator,
        "title": row.title,
    }


def write_score_files(session: Session, folder: Path, change: ImageChange) -> None:
    """`bib/scores/scores.csv` and `indicators.csv`, sorted (small diffs); none without scores."""
    scores = list(
        session.exec(
            select(Score).order_by(
                col(Score.country),
                col(Score.area),
                col(Score.indicator),
                col(Score.edition),
                col(Score.year),
                col(Score.place),
            )
        )
    )
    if not scores and not folder.exists():
        return
    for name, chosen in (
        ("scores.csv", [s for s in scores if not s.indicator]),
        ("indicators.csv", [s for s in scores if s.indicator]),
    ):
        if not chosen and not (folder / name).exists():
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for s in chosen:
            writer.writerow(
                [s.country, s.area, s.year, repr(s.value), s.edition, s.level, s.place, s.indicator, s.title, s.source]
            )
        change.write(folder / name, buffer.getvalue().encode())


def read_score_files(folder: Path) -> ReadScores:
    """The scores of `bib/scores/` (for a rebuild)."""
    result = ReadScores()
    for name in ("scores.csv", "indicators.csv"):
        path = folder / name
        if path.exists():
            read = read_tidy(path, read_image_text(path))
            result.rows.extend(read.rows)
            result.problems.extend(read.problems)
    return result


def drop_edition(session: Session, edition: str) -> int:
    """Remove every score of an edition; returns how many."""
    table = Score.__table__
    return session.connection().execute(delete(table).where(table.c.edition == edition)).rowcount or 0
