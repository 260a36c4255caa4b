"""The site's facets — policy area, country, outcome, use, year — as groups of studies,
and every study rendered once in each export format (its cite files and the library's
downloads are joined from those texts).

Facet pages are plain files, so a reader without JavaScript can still narrow the list (with
the counts beside each value). A facet value's studies are not written again as downloads
of their own (see `tracker.publish.pages._downloads`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tracker.export import ENTRY_FORMATS
from tracker.publish.urls import page
from tracker.safety import slug
from tracker.store.views import StudyView

FACETS = ("area", "country", "outcome", "use", "year")
FACET_TITLES = {
    "area": "Policy area",
    "country": "Country",
    "outcome": "Outcome",
    "use": "Use of MIPEX",
    "year": "Year",
}


def facet_values(view: StudyView, facet: str) -> list[str]:
    """The study's codes in one facet (its year, for `year`)."""
    if facet == "year":
        year = str(view.fields.get("year", "")).strip()
        return [year] if year else []
    return sorted(view.tags.get(facet, {}))


@dataclass(frozen=True, slots=True)
class FacetValue:
    facet: str
    code: str
    label: str
    studies: list[StudyView]

    @property
    def page(self) -> str:
        return page("facet", self.facet, self.code)


def facet_groups(views: Iterable[StudyView], labels: dict[str, dict[str, str]]) -> dict[str, list[FacetValue]]:
    """facet -> its values that have studies (codes in vocabulary order, years newest first),
    each with its studies in the order given."""
    members: dict[str, dict[str, list[StudyView]]] = {facet: defaultdict(list) for facet in FACETS}
    for view in views:
        for facet in FACETS:
            for code in facet_values(view, facet):
                members[facet][code].append(view)
    groups: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        known = labels.get(facet, {})
        if facet == "year":
            order = sorted(members[facet], reverse=True)
        else:
            order = [c for c in known if c in members[facet]] + sorted(set(members[facet]) - set(known))
        groups[facet] = [FacetValue(facet, c, known.get(c, c.replace("_", " ")), members[facet][c]) for c in order]
    return groups


#: Studies rendered between two reports of progress.
_TOLD_EVERY = 500


class EntryTexts:
    """Every study in every export format, rendered once; downloads are joins of these."""

    def __init__(self, views: Sequence[StudyView], progress: Callable[[int, int], None] | None = None) -> None:
        self._texts: dict[str, dict[str, str]] = {name: {} for name in ENTRY_FORMATS}
        for done, view in enumerate(views, start=1):
            for name, fmt in ENTRY_FORMATS.items():
                self._texts[name][view.key] = fmt.entry(view)
            if progress and (done % _TOLD_EVERY == 0 or done == len(views)):
                progress(done, len(views))

    def file(self, stem: str, views: Sequence[StudyView], name: str) -> tuple[str, str]:
        """(path, text) of these studies' download in the format `name`."""
        fmt, texts = ENTRY_FORMATS[name], self._texts[name]
        return f"{stem}.{fmt.extension}", fmt.join([texts[v.key] for v in views])

    def cite_files(self, folder: str, view: StudyView) -> Iterable[tuple[str, str]]:
        """One study's "cite" downloads: BibTeX, RIS, CSL-JSON."""
        for name in ("bibtex", "ris", "csljson"):
            fmt = ENTRY_FORMATS[name]
            yield f"{folder}/{slug(view.key)}.{fmt.extension}", fmt.join([self._texts[name][view.key]])
