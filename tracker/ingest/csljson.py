"""CSL-JSON reader (Zotero, citation.js, Pandoc, and our own exporter).

The items are decoded one by one with `raw_decode`, so each keeps its raw text and line,
and a file broken midway still yields the items before the break (the rest is stored as
one failed entry with the JSON error).
"""

from __future__ import annotations

import json
from typing import Any

from tracker.entry import Entry, Name
from tracker.ingest.normalise import ISSUED_WORKS, entry_type_from, issuer_as_institution

#: Python refuses to turn more than 4,300 digits into an int: a longer number stays text.
_INT_DIGITS = 4000


def _number(text: str) -> int | str:
    return int(text) if len(text) <= _INT_DIGITS else text


_DECODER = json.JSONDecoder(parse_int=_number)


def _item_end(text: str, index: int) -> int:
    """Where the JSON value starting at `index` ends (brackets and strings followed, no
    recursion), or len(text) when it never does: a value nested too deeply to decode is
    skipped whole, and the items after it are still read."""
    depth, position, in_string = 0, index, False
    while position < len(text):
        char = text[position]
        if in_string:
            if char == "\\":
                position += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return len(text)


#: CSL variable -> canonical field.
FIELD_MAP: dict[str, str] = {
    "title": "title",
    "container-title": "container",
    "volume": "volume",
    "issue": "number",
    "page": "pages",
    "edition": "edition",
    "collection-title": "series",
    "publisher": "publisher",
    "authority": "institution",
    "publisher-place": "place",
    "DOI": "doi",
    "URL": "url",
    "ISBN": "isbn",
    "ISSN": "issn",
    "language": "language",
    "abstract": "abstract",
    "note": "note",
}
_CONSUMED = frozenset({*FIELD_MAP, "id", "citation-key", "type", "author", "editor", "issued", "keyword", "custom"})


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _name(data: Any) -> Name:
    if not isinstance(data, dict):
        return Name(literal=str(data))
    if data.get("literal"):
        return Name(literal=str(data["literal"]))
    particle = " ".join(str(data[k]) for k in ("dropping-particle", "non-dropping-particle") if data.get(k))
    return Name(
        family=str(data.get("family", "")),
        given=str(data.get("given", "")),
        particle=particle,
        suffix=str(data.get("suffix", "")),
    )


def _date(issued: Any) -> str:
    """`{"date-parts": [[2020, 3]]}` -> `2020-03`; `{"raw": ...}` and `{"literal": ...}` too."""
    if not isinstance(issued, dict):
        return str(issued or "")
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers = [str(p) for p in parts[0][:3]]
        year = numbers[0]
        rest = [n.zfill(2) for n in numbers[1:] if n.isdigit()]
        return "-".join([year, *rest])
    return str(issued.get("raw") or issued.get("literal") or "")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def item_to_entry(item: Any, line: int, raw: str) -> Entry:
    """One CSL-JSON item as an `Entry` (a non-object becomes a failed entry)."""
    entry = Entry(key=None, line=line, raw=raw)
    if not isinstance(item, dict):
        entry.error = f"a CSL-JSON item must be an object, found {type(item).__name__}"
        return entry
    written_id = _as_text(item["id"]) if item.get("id") not in (None, "") else ""
    if "/" in written_id or ":" in written_id:  # Zotero's item URIs are ids, not citekeys
        entry.fields["csl-id"] = written_id
        written_id = ""
    citation_key = item.get("citation-key")  # CSL 1.0.2's own variable for the citekey
    entry.key = (_as_text(citation_key) if citation_key not in (None, "") else "") or written_id or None
    entry.entry_type = entry_type_from(str(item.get("type", "")))
    entry.authors = [_name(n) for n in item.get("author", []) or []]
    entry.editors = [_name(n) for n in item.get("editor", []) or []]
    for variable, canonical in FIELD_MAP.items():
        if item.get(variable) not in (None, ""):
            entry.fields[canonical] = _as_text(item[variable])
    date = _date(item.get("issued"))
    if date:
        entry.fields["date"] = date
    keywords = item.get("keyword")
    if isinstance(keywords, str) and keywords.strip():
        entry.fields["keywords"] = [k.strip() for k in keywords.split(",") if k.strip()]
    used = _report_facts(item, entry)
    for variable, value in item.items():
        private = str(variable).startswith("_")  # a program's own (citation-js's _graph: its whole input)
        if variable not in _CONSUMED and variable not in used and value not in (None, "") and not private:
            entry.fields[variable] = _as_text(value)
    custom = item.get("custom")
    if isinstance(custom, dict):
        for name, value in custom.items():
            entry.fields[str(name).lower()] = _as_text(value)
    return entry


def _report_facts(item: dict[str, Any], entry: Entry) -> set[str]:
    """A report's or thesis's publisher is its institution and its `genre` its kind (as the
    tracker's CSL-JSON writes them); returns the variables read so."""
    if entry.entry_type not in ISSUED_WORKS:
        return set()
    issuer_as_institution(entry)
    if item.get("genre") not in (None, ""):
        entry.fields["type"] = _as_text(item["genre"])
        return {"genre"}
    return set()


def read_csljson(text: str) -> list[Entry]:
    """All items of a CSL-JSON text (an array, one object, or `{"items": [...]}`)."""
    stripped_at = len(text) - len(text.lstrip())
    if text[stripped_at : stripped_at + 1] == "{":
        try:
            whole, _ = _DECODER.raw_decode(text, stripped_at)
        except RecursionError:
            return [Entry(key=None, line=1, raw=text, error="not readable JSON: nested too deeply")]
        except json.JSONDecodeError as error:
            return [
                Entry(
                    key=None,
                    line=error.lineno,
                    raw=text,
                    error=f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                )
            ]
        if isinstance(whole, dict) and isinstance(whole.get("items"), list):
            return [item_to_entry(item, 1, json.dumps(item, ensure_ascii=False)) for item in whole["items"]]
        return [item_to_entry(whole, _line_of(text, stripped_at), text.strip())]
    if text[stripped_at : stripped_at + 1] != "[":
        return [Entry(key=None, line=1, raw=text, error="not CSL-JSON: expected a JSON array of items")]
    entries: list[Entry] = []
    index = stripped_at + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text):
            entries.append(
                Entry(
                    key=None,
                    line=_line_of(text, index),
                    raw="",
                    error="not valid JSON: the array is not closed with ']' (truncated file?)",
                )
            )
            return entries
        if text[index] == "]":
            return entries
        try:
            item, end = _DECODER.raw_decode(text, index)
        except RecursionError:
            end = _item_end(text, index)
            entries.append(
                Entry(
                    key=None,
                    line=_line_of(text, index),
                    raw=text[index:end],
                    error="not readable JSON: the item is nested too deeply (more than Python's 1,000 levels)",
                )
            )
            index = end
            continue
        except json.JSONDecodeError as error:
            rest = text[index:]
            entries.append(
                Entry(
                    key=None,
                    line=_line_of(text, index),
                    raw=rest,
                    error=f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                )
            )
            return entries
        entries.append(item_to_entry(item, _line_of(text, index), text[index:end]))
        index = end
