"""A study as readers and exporters see it: fields chosen from its records.

The rule (until deduplication refines it): the study's key is its earliest record's key;
each field comes from the earliest record that has it, so a pasted abstract fills a gap
but never overrides the reference; `ids` lists the other records' keys and any aliases the
records themselves carried, so the export contract holds for merged studies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from tracker.db import in_code_point_order
from tracker.entry import Name
from tracker.models import Record, Study


@dataclass(slots=True)
class RecordRow:
    """A record as views need it: every column but the raw text (read in bulk, light)."""

    id: int
    seq: int
    source_id: int
    line: int
    key: str | None
    kind: str
    status: str
    warnings: list[str]
    entry_type: str
    fields: dict[str, Any]
    authors: list[dict[str, str]]
    editors: list[dict[str, str]]
    study_id: int


_ROW_COLUMNS = (
    Record.id,
    Record.seq,
    Record.source_id,
    Record.line,
    Record.key,
    Record.kind,
    Record.status,
    Record.warnings,
    Record.entry_type,
    Record.fields,
    Record.authors,
    Record.editors,
    Record.study_id,
)


@dataclass(slots=True)
class StudyView:
    """One study with the fields an exporter or a page needs."""

    key: str
    entry_type: str
    fields: dict[str, Any]
    authors: list[Name]
    editors: list[Name]
    aliases: list[str]
    records: list[RecordRow] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)


def _split_ids(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [k.strip() for k in value.split(",") if k.strip()]


def build_view(study_key: str, records: Sequence[RecordRow]) -> StudyView:
    """Combine a study's records (ok ones, in import order) into one view."""
    ordered = sorted((r for r in records if r.status == "ok"), key=lambda r: r.seq)
    primary = next((r for r in ordered if r.kind == "entry"), ordered[0])
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for record in [primary, *[r for r in ordered if r is not primary]]:
        label = record.key or f"record {record.id}"
        for name, value in record.fields.items():
            if name not in fields and value not in ("", None, []):
                fields[name] = value
                sources[name] = label
    aliases: list[str] = []
    for record in ordered:
        for alias in [record.key, *_split_ids(record.fields.get("ids"))]:
            if alias and alias != study_key and alias not in aliases:
                aliases.append(alias)
    fields.pop("ids", None)
    with_authors = next((r for r in [primary, *ordered] if r.authors), primary)
    with_editors = next((r for r in [primary, *ordered] if r.editors), primary)
    return StudyView(
        key=study_key,
        entry_type=primary.entry_type,
        fields=fields,
        authors=[Name.from_json(n) for n in with_authors.authors],
        editors=[Name.from_json(n) for n in with_editors.editors],
        aliases=sorted(aliases),
        records=list(ordered),
        field_sources=sources,
    )


def load_views(
    session: Session,
    keys: Iterable[str] | None = None,
    years: Iterable[str] | None = None,
) -> list[StudyView]:
    """Every study (or the chosen ones) as views, in key order, in two queries."""
    dialect = session.get_bind().dialect.name
    query = select(Study).order_by(in_code_point_order(col(Study.key), dialect))
    if keys is not None:
        query = query.where(col(Study.key).in_(list(keys)))
    studies = list(session.exec(query))
    if not studies:
        return []
    by_study: dict[int, list[RecordRow]] = defaultdict(list)
    record_query = select(*_ROW_COLUMNS).where(col(Record.study_id).is_not(None))
    if keys is not None:
        record_query = record_query.where(col(Record.study_id).in_([s.id for s in studies]))
    for row in session.exec(record_query):
        record = RecordRow(*row)
        by_study[record.study_id].append(record)
    views = [build_view(s.key, by_study[s.id]) for s in studies if by_study.get(s.id)]  # type: ignore[arg-type]
    if years is not None:
        wanted = set(years)
        views = [v for v in views if v.fields.get("year") in wanted]
    return views
