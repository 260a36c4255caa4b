"""Finding studies from the command line: by words, year, tag and screening status.

Words match the title, authors, keywords, abstract and venue folded the way duplicates are
compared (`tracker.textkeys.fold`: case, accents and punctuation aside), every word in any
of them; the studies whose title holds every word come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.entry import StudyView
from tracker.textkeys import fold

_TEXT_FIELDS = ("title", "keywords", "abstract", "container", "booktitle", "publisher")


@dataclass(frozen=True, slots=True)
class Criteria:
    words: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # facet:code
    status: str | None = None


def _text(view: StudyView) -> tuple[str, str]:
    """(folded title, folded everything searched)."""
    names = " ".join(f"{n.given} {n.family} {n.literal}" for n in [*view.authors, *view.editors])
    values = [view.fields.get(name, "") for name in _TEXT_FIELDS]
    flat = " ".join(" ".join(v) if isinstance(v, list) else str(v) for v in values)
    return fold(str(view.fields.get("title", ""))), fold(f"{view.key} {names} {flat}")


def _year(view: StudyView) -> int:
    year = str(view.fields.get("year", ""))[:4]
    return int(year) if year.isdigit() else 0


def matching(views: Sequence[StudyView], criteria: Criteria) -> list[StudyView]:
    """The views that meet every criterion; with words, those with every word in the
    title first, then by year (newest first) and key."""
    words = [fold(word) for word in criteria.words if fold(word)]
    found: list[tuple[int, StudyView]] = []
    for view in views:
        if criteria.years and str(view.fields.get("year", "")) not in criteria.years:
            continue
        if criteria.status and view.screening.status != criteria.status:
            continue
        if any(code not in view.tags.get(facet, {}) for facet, _, code in (t.partition(":") for t in criteria.tags)):
            continue
        title, everything = _text(view)
        if words and not all(word in everything for word in words):
            continue
        found.append((0 if all(word in title for word in words) else 1, view))
    found.sort(key=lambda item: (item[0], -_year(item[1]), item[1].key))
    return [view for _, view in found]
