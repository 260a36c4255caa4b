"""A study's citation, formatted in a few common styles, for its page's "cite" box.

citeproc-py reads the Citation Style Language styles shipped in `styles/` (their licence is
in `styles/README.md`) and the study as CSL-JSON (`tracker.export.csljson`, the same item the
downloads carry). citeproc-py's HTML formatter does not escape the text it is given, so
styles are rendered with a formatter of our own that marks its italics and bolds with
private-use characters; the text is escaped, then the marks become tags — a title holding
`<script>` prints as text.

citeproc-py looks the same nodes of a style up by XPath again and again (`xpath_search`,
half its time); a style's tree is only read while formatting, so the lookups are memoised
per node and expression (`_memoise_style_lookups`): 1.6 ms per study and style instead of
3.4, the same text; and the item's reference is looked up once (`_CitedItem`): 3.4 ms a
study for the three styles instead of 4.7 (best of 4, side by side, the same text). Each
citation is also kept in `Citations.cache`, keyed by the style and a digest of the item,
which the build saves between runs: a rebuild formats only the studies that changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import types
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.model import CitationStylesElement
from citeproc.source.json import CiteProcJSON

from tracker.export.csljson import csl_item
from tracker.store.views import StudyView

STYLE_FOLDER = Path(__file__).resolve().parent / "styles"
#: Style file stem -> the name a reader picks it by, in the order the page offers them.
STYLES = {
    "apa": "APA 7th",
    "chicago-author-date": "Chicago (author-date)",
    "harvard-cite-them-right": "Harvard",
}
#: What a citation leaves out of the item: long texts no style prints.
_NOT_CITED = ("abstract", "note", "keyword", "custom")
#: Part of every cached citation's key: raise it when the formatting here changes, so the
#: next build formats every study again (a style file's own change does that by itself).
FORMATTING = 2
_log = logging.getLogger(__name__)

#: The marks our formatter puts around formatted runs: private-use characters, which
#: `escape` leaves alone and no bibliography holds (the reader strips them from input).
_TAGS = {"i": ("\ue000", "\ue001"), "b": ("\ue002", "\ue003"), "sup": ("\ue004", "\ue005"), "sub": ("\ue006", "\ue007")}


def _marker(tag: str) -> type:
    opening, closing = _TAGS[tag]
    return type(tag, (str,), {"__new__": lambda cls, text: str.__new__(cls, f"{opening}{text}{closing}")})


def _plain(text: object) -> str:
    return str(text)


#: A citeproc-py formatter (it only reads these names): small caps, light and underline print
#: as plain text, since the site's CSP forbids inline styles and they add nothing to a copy.
_FORMATTER = types.SimpleNamespace(
    preformat=_plain,
    Italic=_marker("i"),
    Oblique=_marker("i"),
    Bold=_marker("b"),
    Light=_plain,
    Underline=_plain,
    SmallCaps=_plain,
    Superscript=_marker("sup"),
    Subscript=_marker("sub"),
)


#: Where American usage puts a period or comma: inside the closing quotation mark (CSL's
#: `punctuation-in-quote`, on in the en-US locale, which citeproc-py does not apply).
_PUNCTUATION_AFTER_QUOTE = re.compile("([\u201d\u2019])([.,])")


def _as_html(marked: str, punctuation_in_quote: bool) -> str:
    if punctuation_in_quote:
        marked = _PUNCTUATION_AFTER_QUOTE.sub(r"\2\1", marked)
    text = escape(marked, quote=False)
    for tag, (opening, closing) in _TAGS.items():
        text = text.replace(opening, f"<{tag}>").replace(closing, f"</{tag}>")
    return text


@cache
def _memoise_style_lookups() -> None:
    """Make citeproc-py's XPath lookups on style nodes remember their answers. The lists
    it gets back are only read (their first element, or whether any), and a style or
    locale tree is never changed once parsed, so an answer holds for the process's life;
    the memo is as large as the styles' distinct lookups (a few thousand)."""
    search = CitationStylesElement.xpath_search
    answers: dict[tuple[CitationStylesElement, str], Any] = {}

    def remembered(element: CitationStylesElement, expression: str) -> Any:
        key = (element, expression)
        found = answers.get(key)
        if found is None:
            found = answers[key] = search(element, expression)
        return found

    CitationStylesElement.xpath_search = remembered  # type: ignore[method-assign]


@cache
def _style(stem: str) -> CitationStylesStyle:
    _memoise_style_lookups()
    return CitationStylesStyle(str(STYLE_FOLDER / f"{stem}.csl"), validate=False)


@cache
def _style_stamp(stem: str) -> str:
    """The style file's digest with `FORMATTING`: a cached citation is good while both hold."""
    data = (STYLE_FOLDER / f"{stem}.csl").read_bytes()
    return hashlib.sha256(data + str(FORMATTING).encode()).hexdigest()[:12]


def cited_item(view: StudyView) -> dict[str, Any]:
    """The study's CSL-JSON item without what no style prints."""
    item = csl_item(view)
    for name in _NOT_CITED:
        item.pop(name, None)
    item["id"] = "study"  # the key plays no part in a reference list entry
    return item


class _CitedItem(CitationItem):
    """citeproc-py's citation item, its reference looked up once: the style asks for it at
    every variable it prints, each time through three dictionary-backed attribute lookups
    (a sixth of the time a citation takes). Kept in the instance's own attributes, not in
    the dictionary the item is, which citeproc-py reads for locators."""

    @property
    def reference(self) -> Any:
        try:
            return self.__dict__["_reference"]
        except KeyError:
            found = self.__dict__["_reference"] = super().reference
            return found


def format_citation(item: dict[str, Any], stem: str) -> str | None:
    """The item as one reference list entry in the style, as HTML; None if citeproc-py
    cannot format it (the page then offers the other styles and the downloads)."""
    try:
        bibliography = CitationStylesBibliography(_style(stem), CiteProcJSON([item]), _FORMATTER)
        bibliography.register(Citation([_CitedItem("study")]))
        entries = [str(entry) for entry in bibliography.bibliography()]
    except Exception as error:  # a style's corner case must not stop a build
        _log.warning("citeproc-py could not format %r in %s: %s", item.get("title"), stem, error)
        return None
    american = _style(stem).root.get("default-locale", "en-US") == "en-US"
    return _as_html(entries[0], american) if entries else None


@dataclass(frozen=True, slots=True)
class Formatted:
    """One study's citation in one style: `html` is "" where the style could not format it
    (remembered too, so a rebuild does not try again)."""

    style: str
    key: str  # the cache's key: style and item digest
    html: str


@dataclass
class Citations:
    """Formatted citations, remembered by style and item digest (see the module's note)."""

    cache: dict[str, str] = field(default_factory=dict)

    def of(self, view: StudyView) -> list[Formatted]:
        """The study's citation in each style of `STYLES`, from the cache where it is there."""
        item = cited_item(view)
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]
        formatted = []
        for stem, name in STYLES.items():
            key = f"{stem}:{_style_stamp(stem)}:{digest}"
            text = self.cache.get(key)
            if text is None:
                text = self.cache[key] = format_citation(item, stem) or ""
            formatted.append(Formatted(name, key, text))
        return formatted

    @classmethod
    def load(cls, path: Path) -> Citations:
        """The citations a build saved; none if the file is missing or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(cache={k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)})


def save_citations(path: Path, used: dict[str, str]) -> None:
    """Keep the citations a build used (and only those) for the next; a cache that cannot be
    written costs the next build time, nothing else."""
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(used, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        _log.warning("the citations could not be kept for the next build: %s", error)
