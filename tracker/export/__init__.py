"""Writers: BibTeX (biblatex-compatible), RIS, CSL-JSON and CSV, one per format.

The contract other tools rely on: one entry per study; its key is the study's key and
`ids` lists its other records' keys; unknown and curator fields pass through untouched;
output is deterministic (same library, same bytes), and what BibTeX and CSL-JSON write
reads back to the same entries, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.entry import CANONICAL_FIELDS, Name, StudyView
from tracker.ingest.bibtex_steps import VERBATIM_FIELDS

Writer = Callable[[Sequence[StudyView]], str]

_BIBLATEX_TYPES = {
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "conference": "inproceedings",
    "report": "report",
    "thesis": "thesis",
    "dataset": "dataset",
    "webpage": "online",
    "manuscript": "unpublished",
    "misc": "misc",
}
_BIBTEX_NAMES = {"place": "address"}
_BOOKISH = frozenset({"chapter", "conference"})
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile(r"[\\{}%&$#_~^]")


def _escape_match(match: re.Match[str]) -> str:
    return _LATEX_SPECIALS[match.group(0)]


def latex_escape(text: str) -> str:
    """Text to a BibTeX value that the importer decodes back to exactly this text.

    `--` is written `-{}-` so that it does not come back as an en dash, and two quotes
    (`` `` `` and `''`) are kept apart so they do not come back as TeX's curly quotes.
    """
    escaped = _LATEX_SPECIAL.sub(_escape_match, text)  # (str.translate is slower here)
    for ligature, broken in (("--", "-{}-"), ("``", "`{}`"), ("''", "'{}'")):
        while ligature in escaped:
            escaped = escaped.replace(ligature, broken)
    return escaped


def _verbatim(text: str) -> str:
    """URL-like values are written as they are; only unbalanced braces are escaped."""
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "%7B").replace("}", "%7D")


def _needs_braces(part: str) -> bool:
    return bool(re.search(r"\s|,|\band\b", part)) or part[:1].islower()


def bibtex_name(name: Name) -> str:
    """`von Last, Jr, First`, braced where BibTeX would split it differently."""
    if name.literal:
        return "others" if name.literal == "others" else "{" + latex_escape(name.literal) + "}"
    family = latex_escape(name.family)
    particle = name.particle
    if particle and not particle[:1].islower():
        family, particle = f"{latex_escape(particle)} {family}", ""
    if _needs_braces(family) or not family:
        family = "{" + family + "}"
    last = f"{latex_escape(particle)} {family}" if particle else family
    given = latex_escape(name.given)
    if re.search(r",|\band\b", given):
        given = "{" + given + "}"
    suffix = latex_escape(name.suffix)
    if suffix:
        return f"{last}, {suffix}, {given}"
    return f"{last}, {given}" if given else last


def _bibtex_field_name(view: StudyView, canonical: str) -> str:
    if canonical == "container":
        return "booktitle" if view.entry_type in _BOOKISH or view.entry_type == "book" else "journal"
    return _BIBTEX_NAMES.get(canonical, canonical)


def _bibtex_value(name: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(latex_escape(str(v)) for v in value)
    text = str(value)
    return _verbatim(text) if name in VERBATIM_FIELDS else latex_escape(text)


def bibtex_fields(view: StudyView) -> list[tuple[str, str]]:
    """(BibTeX name, written value) pairs in the fixed order the writer uses."""
    pairs: list[tuple[str, str]] = []
    if view.aliases:
        pairs.append(("ids", ", ".join(view.aliases)))
    if view.authors:
        pairs.append(("author", " and ".join(bibtex_name(n) for n in view.authors)))
    if view.editors:
        pairs.append(("editor", " and ".join(bibtex_name(n) for n in view.editors)))
    for canonical in CANONICAL_FIELDS:
        if canonical in view.fields:
            pairs.append((_bibtex_field_name(view, canonical), _bibtex_value(canonical, view.fields[canonical])))
    written = {name for name, _ in pairs}
    for name in sorted(set(view.fields) - set(CANONICAL_FIELDS)):
        if name not in written:
            pairs.append((name, _bibtex_value(name, view.fields[name])))
    return pairs


def bibtex_entry(view: StudyView) -> str:
    """One study as a BibTeX entry, ending with a newline."""
    lines = [f"@{_BIBLATEX_TYPES.get(view.entry_type, 'misc')}{{{view.key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in bibtex_fields(view))
    lines.append("}\n")
    return "\n".join(lines)


def iter_bibtex(views: Iterable[StudyView]) -> Iterator[str]:
    """BibTeX a study at a time (entries separated by a blank line), for streaming."""
    for index, view in enumerate(views):
        yield ("\n" if index else "") + bibtex_entry(view)


def write_bibtex(views: Sequence[StudyView]) -> str:
    """biblatex-compatible BibTeX, UTF-8, one entry per study."""
    return "".join(iter_bibtex(views))


_RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "dataset": "DATA",
    "webpage": "ELEC",
    "manuscript": "UNPB",
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


def ris_entry(view: StudyView) -> str:
    """One study as RIS with the common tags, ending with `ER  - ` and a newline; RIS has no
    place for other fields, so they are left out."""
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
        tag("ED", ris_name(name))
    tag("TI", fields.get("title"))
    tag("T2", fields.get("container"))
    tag("PY", fields.get("year"))
    date = fields.get("date")
    if date:
        tag("DA", "/".join(date.split("-")) + ("/" if len(date) < 10 else ""))
    tag("VL", fields.get("volume"))
    tag("IS", fields.get("number"))
    pages = str(fields.get("pages", ""))
    start, _, end = pages.partition("–")
    tag("SP", start)
    tag("EP", end)
    for name, ris in (
        ("edition", "ET"),
        ("series", "T3"),
        ("publisher", "PB"),
        ("place", "CY"),
        ("doi", "DO"),
        ("url", "UR"),
    ):
        tag(ris, fields.get(name))
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
    for canonical, variable in _CSL_VARIABLES.items():
        if canonical in fields:
            item[variable] = fields[canonical]
    if fields.get("keywords"):
        item["keyword"] = ", ".join(fields["keywords"])
    custom = {name: value for name, value in sorted(fields.items()) if name not in CANONICAL_FIELDS}
    if view.aliases:
        custom["ids"] = ", ".join(view.aliases)
    if custom:
        item["custom"] = dict(sorted(custom.items()))
    return item


def csljson_entry(view: StudyView) -> str:
    """One item as it stands inside the array `write_csljson` writes (indented one level)."""
    return "  " + json.dumps(csl_item(view), ensure_ascii=False, indent=2).replace("\n", "\n  ")


def join_csljson(entries: Sequence[str]) -> str:
    """The array around items from `csljson_entry`: the bytes `json.dumps(..., indent=2)` gives."""
    return "[\n" + ",\n".join(entries) + "\n]\n" if entries else "[]\n"


def write_csljson(views: Sequence[StudyView]) -> str:
    return join_csljson([csljson_entry(v) for v in views])


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


@dataclass(frozen=True, slots=True)
class EntryFormat:
    """A format as one text per study and a way to join them: what a site build needs to
    write the same study into many downloads while rendering it once."""

    extension: str
    entry: Callable[[StudyView], str]
    join: Callable[[Sequence[str]], str]


ENTRY_FORMATS: dict[str, EntryFormat] = {
    "bibtex": EntryFormat("bib", bibtex_entry, "\n".join),
    "ris": EntryFormat("ris", ris_entry, "\n".join),
    "csljson": EntryFormat("json", csljson_entry, join_csljson),
    "csv": EntryFormat("csv", csv_row, join_csv),
}


#: The registry: format name -> writer.
WRITERS: dict[str, Writer] = {
    "bibtex": write_bibtex,
    "ris": write_ris,
    "csljson": write_csljson,
    "csv": write_csv,
}
