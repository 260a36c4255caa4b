"""Lists of studies that scale: every list on the site is cut into pages of `PER_PAGE`,
in the order a reader of new evidence wants first (the latest added), each page a plain
file with links to the others, so nothing needs JavaScript and no page grows with the
library (a 10,000-study list is 200 pages of 50, each a few kilobytes).

Every list, the list of all studies too, is sorted in the other orders a reader asks for
(newest publication, title) in the browser (`assets/lists.js`), from the site's catalogue
(`catalogue.py`): each study's line is written once per list, not once per list and order.
The list of all studies was written in all three orders once; at 10,000 studies the two
others were 13 MB of pages that said what the catalogue says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from tracker.store.views import StudyView

#: Studies on one page of a list.
PER_PAGE = 50
def latest_added(views: Sequence[StudyView], added: dict[str, str]) -> list[StudyView]:
    """The studies in the order every list is built in, ties broken so that it is the same
    every build: by the day added, newest first; of one day, the newest publication, then by
    title (A-Z, case aside): the moments of one day's imports and inclusions say nothing to
    a reader. `lists.js` sorts the same way."""
    by_title = sorted(views, key=lambda v: (_title(v), v.key))
    by_year = sorted(by_title, key=lambda v: str(v.fields.get("year", "")), reverse=True)
    return sorted(by_year, key=lambda v: added.get(v.key, "")[:10], reverse=True)


def _title(view: StudyView) -> str:
    return str(view.fields.get("title") or view.key).casefold()


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a list: its studies, where it stands, and the paths of its neighbours."""

    studies: Sequence[StudyView]
    number: int  # from 1
    pages: int
    total: int
    first: int  # the number of its first study in the list, from 1
    path: str
    page_path: Callable[[int], str]  # the path of any page of the same list and order

    @property
    def window(self) -> list[int | None]:
        """The page numbers a pager shows: the first, the last, two either side of this one;
        None where numbers are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.number - 2), min(self.pages, self.number + 2) + 1)})
        window: list[int | None] = []
        for number in shown:
            if window and number - (window[-1] or 0) > 1:
                window.append(None)
            window.append(number)
        return window


def pages_of(studies: Sequence[StudyView], page_path: Callable[[int], str]) -> Iterator[ListPage]:
    """The pages of a list (at least one, empty for an empty list); `page_path(n)` says where
    page n goes."""
    total = len(studies)
    count = max(1, -(-total // PER_PAGE))
    for number in range(1, count + 1):
        start = (number - 1) * PER_PAGE
        yield ListPage(
            studies[start : start + PER_PAGE], number, count, total, start + 1, page_path(number), page_path
        )
