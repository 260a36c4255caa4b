"""RIS: one record per study, in the tags Zotero, EndNote and citation-js read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.entry import Name, StudyView

_RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "dataset": "DATA",
    "webpage": "ELEC",
    "manuscript": "MANSCPT",  # Zotero reads UNPB as a journal article
    "misc": "GEN",
}


def ris_name(name: Name) -> str:
    """`Family, Given, Suffix` (particle before the family); a corporate name as is."""
    if name.literal:
        return name.literal
    family = " ".join(p for p in (name.particle, name.family) if p)
    if name.suffix:
        return f"{family}, {name.given}, {name.suffix}"
    return f"{family}, {name.given}" if name.given else f"{family},"


#: Types whose `number` is their own (a report's number: RIS `SN`, which Zotero reads as the
#: report number), not a journal issue's.
_OWN_NUMBER = frozenset({"report", "thesis"})


def ris_entry(view: StudyView) -> str:
    """One study as RIS with the common tags, ending with `ER  - ` and a newline; RIS has no
    place for other fields, so they are left out. Tags as Zotero and citation-js read them:
    editors `A2`; a paper's proceedings `C3` (Zotero's proceedings title; `T2` would be the
    conference's name); a report's number `SN`, its kind `M3`, its institution `PB`."""
    lines: list[str] = []

    def tag(name: str, value: Any) -> None:
        if value not in (None, "", []):
            lines.append(f"{name}  - {value}")

    fields = view.fields
    tag("TY", _RIS_TYPES.get(view.entry_type, "GEN"))
    tag("ID", view.key)
    for name in view.authors:
        tag("AU", ris_name(name))
    for name in view.editors:
        tag("A2", ris_name(name))
    tag("TI", fields.get("title"))
    tag("C3" if view.entry_type == "conference" else "T2", fields.get("container"))
    tag("PY", fields.get("year"))
    date = fields.get("date")
    if date:
        tag("DA", "/".join(date.split("-")) + ("/" if len(date) < 10 else ""))
    tag("VL", fields.get("volume"))
    own_number = view.entry_type in _OWN_NUMBER
    if not own_number:
        tag("IS", fields.get("number"))
    pages = str(fields.get("pages", ""))
    start, _, end = pages.partition("–")
    tag("SP", start)
    tag("EP", end)
    tag("ET", fields.get("edition"))
    tag("T3", fields.get("series"))
    tag("PB", fields.get("publisher") or (fields.get("institution") if own_number else None))
    for name, ris in (("place", "CY"), ("doi", "DO"), ("url", "UR")):
        tag(ris, fields.get(name))
    if own_number:
        tag("M3", fields.get("type"))
        tag("SN", fields.get("number"))
    else:
        tag("SN", fields.get("issn") or fields.get("isbn"))
    tag("LA", fields.get("language"))
    for keyword in fields.get("keywords", []):
        tag("KW", keyword)
    tag("AB", fields.get("abstract"))
    tag("N1", fields.get("note"))
    lines.append("ER  - ")
    lines.append("")
    return "\n".join(lines)


def write_ris(views: Sequence[StudyView]) -> str:
    """RIS, entries separated by a blank line."""
    return "\n".join(ris_entry(v) for v in views)
