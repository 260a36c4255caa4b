"""COinS (ContextObjects in Spans, OpenURL 1.0 KEV): a study as the `title` of an empty
`<span class="Z3988">`, so that Zotero's connector (its COinS translator) and other
reference managers offer to save every study of a listing page at once.

The keys are OpenURL's journal and book formats (`rft.atitle`, `rft.jtitle`, `rft.btitle`,
`rft.au`...), as Zotero's translator reads them; the DOI and the address go in `rft_id`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tracker.entry import Name, StudyView
from tracker.safety import doi_url, safe_url

_JOURNAL = "info:ofi/fmt:kev:mtx:journal"
_BOOK = "info:ofi/fmt:kev:mtx:book"
#: Our entry types -> (OpenURL format, its genre).
_GENRES = {
    "article": (_JOURNAL, "article"),
    "conference": (_BOOK, "proceeding"),
    "chapter": (_BOOK, "bookitem"),
    "book": (_BOOK, "book"),
    "report": (_BOOK, "report"),
    "thesis": (_BOOK, "document"),
}


def _author(name: Name) -> list[tuple[str, str]]:
    if name.literal:
        return [("rft.aucorp", name.literal)]
    family = " ".join(p for p in (name.particle, name.family) if p)
    return [("rft.au", f"{family}, {name.given}" if name.given else family)]


def coins_title(view: StudyView) -> str:
    """The KEV string (escape it as an attribute value, as the templates do)."""
    fields = view.fields
    fmt, genre = _GENRES.get(view.entry_type, (_BOOK, "document"))
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", fmt), ("rft.genre", genre)]
    title = str(fields.get("title") or "")
    container = str(fields.get("container") or "")
    if fmt == _JOURNAL:
        pairs += [("rft.atitle", title), ("rft.jtitle", container)]
    elif genre in ("bookitem", "proceeding"):
        pairs += [("rft.atitle", title), ("rft.btitle", container)]
    else:
        pairs.append(("rft.btitle", title))
    for name in view.authors:
        pairs += _author(name)
    simple = {"date": "date", "volume": "volume", "number": "issue", "issn": "issn", "isbn": "isbn"}
    simple |= {"publisher": "pub", "place": "place", "series": "series", "edition": "edition"}
    pairs += [(f"rft.{key}", str(fields[name])) for name, key in simple.items() if fields.get(name)]
    if not fields.get("date") and fields.get("year"):
        pairs.append(("rft.date", str(fields["year"])))
    pages = str(fields.get("pages") or "").replace("–", "-")
    if pages:
        first, _, last = pages.partition("-")
        pairs += [("rft.spage", first)] + ([("rft.epage", last)] if last else [])
    if doi_url(fields.get("doi")):
        pairs.append(("rft_id", f"info:doi/{fields['doi']}"))
    if safe_url(fields.get("url")):
        pairs.append(("rft_id", str(fields["url"])))
    return urlencode([(k, v) for k, v in pairs if v])
