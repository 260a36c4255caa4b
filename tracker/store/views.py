"""A study as readers and exporters see it: fields chosen from its records.

The study's key is its earliest record's key (see `tracker.store.grouping`). Its fields are
chosen field by field, and each field remembers the record it came from:

1. records are ranked: published entries first, then early versions (preprints, working
   papers: see `tracker.dedupe.versions`), then pasted abstracts, which fill gaps but never
   override a reference;
2. a field comes from the best-ranked records that have it, and among those from the most
   complete value (the longest once case and punctuation are folded away, so a journal's
   full name beats its abbreviation and a title its subtitle-less copy; mixed case beats
   capitals; then the earlier record);
3. where a version appeared (journal, volume, pages, DOI, ...) is taken only from the
   records of the best rank present, so a published study never shows its preprint's DOI;
4. a curator's edit (`mipex-tracker edit`) stands above all of this, field by field;
5. `ids` lists the other records' keys and any aliases the records themselves carried, so
   the export contract holds for merged studies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from tracker.db import in_code_point_order
from tracker.dedupe.versions import preprint_label
from tracker.entry import BRACED_FIELD, CANONICAL_FIELDS, Name, RecordRow, StudyView
from tracker.models import Decision, Record, Source, Study
from tracker.screening import EXCLUDED, Screening
from tracker.screening.vocabulary import reason_label
from tracker.store.screening import curator_screening, screening_field, screening_of
from tracker.store.tags import effective_tags, tag_fields, without_policy_tags
from tracker.textkeys import fold

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


def _split_ids(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [k.strip() for k in value.split(",") if k.strip()]


#: Fields that say where one version of a work appeared: never mixed across versions.
VERSION_FIELDS = frozenset(
    {"container", "date", "volume", "number", "pages", "edition", "series", "publisher", "institution", "place"}
    | {"doi", "url", "isbn", "issn", "type", "howpublished", "eprint", "archiveprefix", "eprinttype", "month"}
)
_PUBLISHED, _EARLY, _ABSTRACT = 0, 1, 2
#: An edit's name for the entry type, and the source a curator's value is credited to.
EDITED_TYPE = "entrytype"
CURATOR_EDIT = "curator edit"


def record_rank(record: RecordRow) -> int:
    """Published entry 0, early version 1, pasted abstract 2: lower is preferred."""
    if record.kind == "abstract":
        return _ABSTRACT
    return _EARLY if preprint_label(record.entry_type, record.fields) else _PUBLISHED


def _field_order(name: str) -> tuple[int, str]:
    """Canonical fields in their order, then the others alphabetically."""
    return (CANONICAL_FIELDS.index(name), "") if name in CANONICAL_FIELDS else (len(CANONICAL_FIELDS), name)


def _completeness(value: Any) -> tuple[int, bool]:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    letters = [c for c in text if c.isalpha()]
    mixed = not letters or not all(c.isupper() for c in letters)
    return len(fold(text)), mixed


def _names_completeness(names: list[dict[str, str]]) -> tuple[int, int]:
    real = [n for n in names if n.get("literal") != "others"]
    return len(real), sum(len(n.get("given", "")) for n in real)


def _filled(fields: Mapping[str, Any]) -> int:
    return sum(1 for name, value in fields.items() if value and name != BRACED_FIELD)


def build_view(
    study_key: str,
    records: Sequence[RecordRow],
    edits: Sequence[Mapping[str, Any]] = (),
    screened: Screening | None = None,
) -> StudyView:
    """Combine a study's records (ok ones) into one view, by the rule above; then a
    curator's edits (in the order made) override any field, or remove it. Its screening
    status is a curator's answer (`screened`), or what its records show."""
    ordered = sorted((r for r in records if r.status == "ok"), key=lambda r: r.seq)
    ranks = {id(r): record_rank(r) for r in ordered}
    best_rank = min(ranks.values())
    primary = min(ordered, key=lambda r: (ranks[id(r)], -_filled(r.fields), r.seq))
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}
    braced: list[str] = []
    names = {name for record in ordered for name in record.fields}
    for name in sorted(names - {"ids", BRACED_FIELD}, key=_field_order):
        allowed = [r for r in ordered if name not in VERSION_FIELDS or ranks[id(r)] == best_rank]
        having = [r for r in allowed if r.fields.get(name) not in ("", None, [])]
        if not having:
            continue
        top = min(ranks[id(r)] for r in having)
        candidates = [r for r in having if ranks[id(r)] == top]
        chosen = candidates[0]  # most studies have one record: nothing to weigh
        if len(candidates) > 1:
            chosen = max(candidates, key=lambda r: (*_completeness(r.fields[name]), -r.seq))
        fields[name] = chosen.fields[name]
        sources[name] = chosen.key or f"record {chosen.id}"
        if name == "title":  # the phrases braced in the very title chosen
            braced = chosen.fields.get(BRACED_FIELD) or []
    aliases: list[str] = []
    for record in ordered:
        for alias in [record.key, *_split_ids(record.fields.get("ids"))]:
            if alias and alias != study_key and alias not in aliases:
                aliases.append(alias)
    entries = [r for r in ordered if ranks[id(r)] == best_rank] or ordered
    with_authors = max(entries, key=lambda r: (*_names_completeness(r.authors), -r.seq))
    with_editors = max(entries, key=lambda r: (*_names_completeness(r.editors), -r.seq))
    entry_type = primary.entry_type
    people = {"author": with_authors.authors, "editor": with_editors.editors}
    for edit in edits:
        for name, value in edit.items():
            if name == EDITED_TYPE:
                entry_type = value
            elif name in people:
                people[name] = value or []
            elif value in (None, "", []):
                fields.pop(name, None)
            else:
                fields[name] = value
            sources[name] = CURATOR_EDIT
    screening = screening_of((r.fields for r in ordered), screened)
    fields.update(screening_field(screening, reason_label(screening)))
    fields = {name: fields[name] for name in sorted(fields, key=_field_order)}
    return StudyView(
        key=study_key,
        entry_type=entry_type,
        fields=fields,
        authors=[Name.from_json(n) for n in people["author"]],
        editors=[Name.from_json(n) for n in people["editor"]],
        aliases=sorted(aliases),
        records=list(ordered),
        field_sources=sources,
        early_versions=[
            (r.key or f"record {r.id}", preprint_label(r.entry_type, r.fields))
            for r in ordered
            if ranks[id(r)] == _EARLY and best_rank == _PUBLISHED
        ],
        screening=screening,
        braced=list(braced),
    )


def _edits_by_record(session: Session) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Curators' edits (seq, values), by the record key each names (edits are few: one
    query for them all)."""
    found: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    query = select(Decision.seq, Decision.keys, Decision.values).where(
        Decision.action == "edit", col(Decision.undone).is_(False)
    )
    for seq, keys, values in session.exec(query):
        found[keys[0]].append((seq, values))
    return found


def _study_edits(records: Sequence[RecordRow], edits: dict[str, list[tuple[int, dict[str, Any]]]]) -> list[dict]:
    """The edits that name any record of a study, in the order they were made."""
    if not edits:
        return []
    return [values for _, values in sorted(e for r in records if r.key for e in edits.get(r.key, ()))]


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
    edits = _edits_by_record(session)
    tags = effective_tags(session, [s.id for s in studies if s.id in by_study])  # type: ignore[misc]
    answers = curator_screening(session)
    views = []
    for study in studies:
        records = by_study.get(study.id)  # type: ignore[arg-type]
        if not records:
            continue
        view = build_view(study.key, records, _study_edits(records, edits), answers.get(study.id))  # type: ignore[arg-type]
        if study.id in tags:
            view.tags = tags[study.id]  # type: ignore[index]
            if view.screening.status == EXCLUDED:  # a study that does not use MIPEX has no area and no use
                view.tags = without_policy_tags(view.tags)
            view.fields.update(tag_fields(view.tags))
            view.field_sources.update(dict.fromkeys(tag_fields(view.tags), "tags"))
        views.append(view)
    if years is not None:
        wanted = set(years)
        views = [v for v in views if v.fields.get("year") in wanted]
    return views


def added_to_the_evidence(views: Iterable[StudyView], imported: dict[str, str]) -> dict[str, str]:
    """When each study joined the published evidence: its first import, or its inclusion
    by screening if that came later (a study imported in May and included in June is news
    in June). ISO 8601 timestamps in UTC to the microsecond, so they sort as text (imports
    are stamped to the second, decisions to the millisecond)."""
    added = {}
    for view in views:
        included = view.screening.made_at if view.screening.status == "included" else ""
        added[view.key] = max(_instant(imported.get(view.key, "")), _instant(included))
    return added


def _instant(stamp: str) -> str:
    """An ISO 8601 timestamp as `YYYY-MM-DDTHH:MM:SS.ffffffZ` ("" stays "")."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def first_imports(session: Session) -> dict[str, str]:
    """Each study's key -> when its first record was imported: when it entered the library
    (what feeds, "latest additions" and the digest go by)."""
    query = (
        select(Study.key, func.min(Source.imported_at))
        .join(Record, col(Record.study_id) == col(Study.id))
        .join(Source, col(Source.id) == col(Record.source_id))
        .group_by(col(Study.key))
    )
    return dict(session.exec(query).all())  # type: ignore[arg-type]
