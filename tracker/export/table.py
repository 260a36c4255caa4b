"""CSV: one row per study, for spreadsheets (lists as JSON in their cell)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from tracker.entry import CANONICAL_FIELDS, StudyView

CSV_COLUMNS = (
    "key",
    "type",
    "title",
    "authors",
    "editors",
    "year",
    "date",
    "container",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "url",
    "isbn",
    "issn",
    "language",
    "keywords",
    "abstract",
    "note",
    "ids",
    "extra",
)


def csv_row(view: StudyView) -> str:
    """One study as a CSV line: names and keywords joined by `; `, other fields as JSON in `extra`."""
    out = io.StringIO()
    fields = view.fields
    extra = {k: v for k, v in sorted(fields.items()) if k not in CANONICAL_FIELDS}
    row = {
        "key": view.key,
        "type": view.entry_type,
        "authors": "; ".join(n.sort_form() for n in view.authors),
        "editors": "; ".join(n.sort_form() for n in view.editors),
        "keywords": "; ".join(fields.get("keywords", [])),
        "ids": ", ".join(view.aliases),
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "",
    }
    csv.writer(out, lineterminator="\n").writerow([row.get(c, fields.get(c, "")) for c in CSV_COLUMNS])
    return out.getvalue()


_CSV_HEADER = ",".join(CSV_COLUMNS) + "\n"


def join_csv(rows: Sequence[str]) -> str:
    return _CSV_HEADER + "".join(rows)


def write_csv(views: Sequence[StudyView]) -> str:
    """One row per study, under a header of `CSV_COLUMNS`."""
    return join_csv([csv_row(v) for v in views])
