"""BibTeX in two flavours: one entry per study, keys and `ids` kept, LaTeX escaped except
in fields carried verbatim (URLs, DOIs, tag codes), so the tracker's own reader reads back
exactly what was written.

The default, `biblatex`, is what biber reads (`mipex.dbx`, shipped beside this module,
declares the tracker's own fields to biber's data model); it uses the classic entry types
wherever biblatex reads them as its own, so most classic styles print it too. The
`bibtex` flavour is for classic BibTeX alone (plain, natbib styles): no type it does not
know (@online, @dataset and @thesis become what it knows), the month as its macro.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from tracker.entry import CANONICAL_FIELDS, MOST_BRACED, VERBATIM_FIELDS, Name, StudyView

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
#: The same types for classic BibTeX, which knows none of biblatex's newer ones.
_CLASSIC_TYPES = {**_BIBLATEX_TYPES, "dataset": "misc", "webpage": "misc", "thesis": "phdthesis"}
_BIBTEX_NAMES = {"place": "address"}
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

Flavour = Literal["biblatex", "bibtex"]
FLAVOURS: tuple[Flavour, ...] = ("biblatex", "bibtex")
#: biber's data model extended by the tracker's fields (`\usepackage[datamodel=mipex]{biblatex}`).
DATAMODEL = Path(__file__).with_name("mipex.dbx")
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


#: The classic BibTeX types of a thesis, by its `type` (biblatex reads them too; classic
#: styles such as plain know no @thesis and would drop its school).
_THESIS_TYPES = {"phdthesis": "phdthesis", "mastersthesis": "mastersthesis"}


def entry_type_name(view: StudyView, flavour: Flavour = "biblatex") -> tuple[str, bool]:
    """The entry type written, and whether the `type` field is then said by it already.
    Reports and theses get the classic types every style knows (@techreport, @phdthesis,
    @mastersthesis), which biblatex reads as @report and @thesis with that type; a thesis
    whose kind is not known stays @thesis for biblatex (@phdthesis would say what nobody
    said), and is @phdthesis for classic BibTeX, its kind said in `type` (see _classic)."""
    kind = str(view.fields.get("type", "")).strip()
    if view.entry_type == "report":
        return "techreport", kind.lower() in ("", "techreport")
    if view.entry_type == "thesis":
        classic = _THESIS_TYPES.get(kind.lower())
        fallback = "phdthesis" if flavour == "bibtex" else "thesis"
        return classic or fallback, bool(classic)
    types = _CLASSIC_TYPES if flavour == "bibtex" else _BIBLATEX_TYPES
    return types.get(view.entry_type, "misc"), False


def _bibtex_field_name(view: StudyView, canonical: str) -> str:
    if canonical == "container":
        return "booktitle" if view.entry_type in _BOOKISH or view.entry_type == "book" else "journal"
    if canonical == "institution" and view.entry_type == "thesis":
        return "school"  # classic BibTeX's name; biblatex takes it for institution
    return _BIBTEX_NAMES.get(canonical, canonical)


_WORD = re.compile(r"[^\s]+")
_CORE = re.compile(r"^(\W*)(.*?\w)(\W*)$", re.DOTALL)
_CAPITALS = re.compile(r"[A-Z].*[A-Z]|[a-z][A-Z]")  # MIPEX, EU, McDonald, iPhone


def _is_sentence_case(words: list[str]) -> bool:
    """Whether a title is in sentence case: most of its longer words after the first are
    lower case (so its capitals are proper nouns and acronyms, which styles must keep)."""
    later = [w for w in words[1:] if len(w) > 3 and w[:1].isalpha() and not _CAPITALS.search(w)]  # acronyms: no vote
    return not later or sum(w[:1].isupper() for w in later) * 2 <= len(later)


#: Titles longer than this keep no braced phrases (no real title is; a hostile one would
#: cost a search per phrase over all of it).
LONGEST_BRACED_TITLE = 2000


def _braced_spans(title: str, braced: Sequence[str]) -> dict[int, int]:
    """Where the phrases a source braced stand in the title, as whole words, not
    overlapping: start -> end."""
    if len(title) > LONGEST_BRACED_TITLE:
        return {}
    spans: list[tuple[int, int]] = []
    for phrase in sorted(braced[:MOST_BRACED], key=len, reverse=True):  # the longest phrase first
        for found in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", title):
            if all(found.end() <= start or found.start() >= end for start, end in spans):
                spans.append(found.span())
    return dict(spans)


def protect_capitals(title: str, braced: Sequence[str] = ()) -> str:
    """The title as BibTeX, its capitals that a style must not lower-case in braces: styles
    that set titles in sentence case (APA, classic BibTeX's plain) lower-case every word not
    braced, "Integration policies in europe", "Mipex". The phrases the source braced are
    braced again as they were (`{European Union}`); acronyms and mixed case are always
    braced; in a title in sentence case, so is every capitalised word after the first (a
    proper noun); in one in title case those cannot be told from the rest, and are left to
    the style. The tracker's reader takes the braces off again."""
    words = _WORD.findall(title)
    sentence_case = _is_sentence_case(words)
    spans = _braced_spans(title, braced) if braced else {}
    out, last = [], 0
    for index, match in enumerate(_WORD.finditer(title)):
        if match.start() < last:  # inside a braced phrase already written
            continue
        start = next((at for at in range(match.start(), match.end()) if at in spans), None)
        if start is not None:  # a phrase begins in this word ("(Europe)": after its bracket)
            out.append(latex_escape(title[last:start]))
            out.append("{" + latex_escape(title[start : spans[start]]) + "}")
            last = spans[start]
            continue
        word = match.group(0)
        escaped = latex_escape(word)
        letters = "".join(c for c in word if c.isalpha())
        acronym = bool(_CAPITALS.search(letters))
        proper = sentence_case and index > 0 and letters[:1].isupper()
        out.append(latex_escape(title[last : match.start()]))
        if letters and (acronym or proper):
            core = _CORE.match(word)  # the braces round the word, not its punctuation: {EU}:
            lead, body, trail = core.groups() if core else ("", word, "")
            escaped = latex_escape(lead) + "{" + latex_escape(body) + "}" + latex_escape(trail)
        out.append(escaped)
        last = match.end()
    out.append(latex_escape(title[last:]))
    return "".join(out)


def _bibtex_value(name: str, value: Any, braced: Sequence[str] = ()) -> str:
    if isinstance(value, list):
        return ", ".join(latex_escape(str(v)) for v in value)
    text = str(value)
    if name in VERBATIM_FIELDS:
        return _verbatim(text)
    if name == "title":
        return protect_capitals(text, braced)
    if name == "pages":  # BibTeX's range is `--`, which classic styles print as an en dash
        return latex_escape(text).replace("–", "--")
    return latex_escape(text)


def _classic(view: StudyView, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs as classic BibTeX reads them: a date as the year's month macro (it knows
    no `date`; the day has no field there), a thesis of unknown kind said to be a thesis
    (@phdthesis would otherwise print "PhD thesis")."""
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if name == "date":
            month = value[5:7]
            if month.isdigit() and 1 <= int(month) <= 12:
                out.append(("month", _MONTH_MACROS[int(month) - 1]))
            continue
        out.append((name, value))
    kind_said = entry_type_name(view, "bibtex")[1] or any(name == "type" for name, _ in out)
    if view.entry_type == "thesis" and not kind_said:
        out.append(("type", "Thesis"))
    return out


def bibtex_fields(view: StudyView, flavour: Flavour = "biblatex") -> list[tuple[str, str]]:
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
            value = _bibtex_value(canonical, view.fields[canonical], view.braced)
            pairs.append((_bibtex_field_name(view, canonical), value))
    written = {name for name, _ in pairs}
    _, type_said = entry_type_name(view)
    for name in sorted(set(view.fields) - set(CANONICAL_FIELDS)):
        if name not in written and not (name == "type" and type_said):
            pairs.append((name, _bibtex_value(name, view.fields[name])))
    return _classic(view, pairs) if flavour == "bibtex" else pairs


def _line(name: str, value: str, flavour: Flavour) -> str:
    if flavour == "bibtex" and name == "month" and value in _MONTH_MACROS:
        return f"  {name} = {value},"  # a macro, bare, so that styles print the month's name
    return f"  {name} = {{{value}}},"


def bibtex_entry(view: StudyView, flavour: Flavour = "biblatex") -> str:
    """One study as a BibTeX entry, ending with a newline."""
    lines = [f"@{entry_type_name(view, flavour)[0]}{{{view.key},"]
    lines.extend(_line(name, value, flavour) for name, value in bibtex_fields(view, flavour))
    lines.append("}\n")
    return "\n".join(lines)


def iter_bibtex(views: Iterable[StudyView], flavour: Flavour = "biblatex") -> Iterator[str]:
    """BibTeX a study at a time (entries separated by a blank line), for streaming."""
    for index, view in enumerate(views):
        yield ("\n" if index else "") + bibtex_entry(view, flavour)


def write_bibtex(views: Sequence[StudyView], flavour: Flavour = "biblatex") -> str:
    """BibTeX of the flavour asked (biblatex by default), UTF-8, one entry per study."""
    return "".join(iter_bibtex(views, flavour))
