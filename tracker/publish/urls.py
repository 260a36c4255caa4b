"""Every path the site writes and every link between its pages, decided in one place.

Like pelican's `*_URL` settings: a page kind and its arguments give the page's path under
`site/` (`page("study", key)` is `studies/<slug>/index.html`), the build writes there, and
templates link with `url(kind, ...)`, which `link` turns into a path relative to the page
being written — so the site works opened from disk as well as served, and a kind's place
changes here alone. Keys and codes go through `slug`, so no key becomes a path outside
`site/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tracker.safety import slug

HOME = "index.html"
#: Each facet's folder on the site and under downloads/.
FACET_FOLDERS = {"area": "areas", "country": "countries", "outcome": "outcomes", "use": "uses", "year": "years"}
_PLAIN_CODE = re.compile(r"[a-z0-9_]{1,40}")


def _in(folder: str) -> str:
    return f"{folder}/index.html"


#: Page kind -> its path under site/, from the kind's arguments.
PAGES: dict[str, Callable[..., str]] = {
    "home": lambda: HOME,
    "studies": lambda: _in("studies"),
    "study": lambda key: _in(study_folder(key)),
    "countries": lambda: _in("countries"),
    "country": lambda code: _in(f"countries/{code.lower()}"),
    "areas": lambda: _in("areas"),
    "area": lambda code: _in(f"areas/{code}"),
    "map": lambda: _in("map"),
    "map_cell": lambda area, outcome: _in(f"map/{area}/{outcome}"),
    "digests": lambda: _in("digests"),
    "digest": lambda month: _in(f"digests/{month}"),
    "search": lambda: _in("search"),
    "about": lambda: _in("about"),
    "facet": lambda facet, code: _in(f"{FACET_FOLDERS[facet]}/{value_folder(facet, code)}"),
    # all the studies of an area or a country (its own page shows the latest few)
    "studies_of": lambda facet, code: _in(f"{FACET_FOLDERS[facet]}/{value_folder(facet, code)}/studies"),
    # the list of all studies, page n
    "browse": lambda number=1: _browse(int(number)),
}


def _browse(number: int) -> str:
    """The list of all studies: its first page is `studies/`, where a reader looks for it;
    the rest in `browse/<n>/` (not under `studies/`, whose folders are the study pages: a
    key could be called `page`)."""
    return _in("studies") if number == 1 else _in(f"browse/{number}")


def list_page(first: str, number: int) -> str:
    """Page `number` of the list whose first page is `first` (`.../index.html`): the rest
    follow it in `page/N/`."""
    return first if number == 1 else first.removesuffix("index.html") + f"page/{number}/index.html"


def page(kind: str, *args: str | None) -> str:
    """The path under site/ of a page of `kind` (see `PAGES`)."""
    return PAGES[kind](*args)


def study_folder(key: str) -> str:
    """A study's folder: its page and its cite files."""
    return f"studies/{slug(key)}"


def value_folder(facet: str, code: str) -> str:
    """A facet value's folder name: vocabulary codes as they are (areas/labour_market/),
    anything else (years come from fields) through `slug`, safe whatever the data holds."""
    if facet == "country":
        return code.lower()
    return code if _PLAIN_CODE.fullmatch(code) else slug(code)


def root(page_path: str) -> str:
    """From `page_path` up to the site's root ("../" per folder)."""
    return "../" * page_path.count("/")


def link(target: str, page_path: str) -> str:
    """A link from the page at `page_path` to `target` (both under site/): below the page's
    own folder, relative to it ("dk/index.html" from the countries' index); elsewhere, by
    way of the root ("../../studies/x/index.html" from another study's page)."""
    folder = page_path.rsplit("/", 1)[0] + "/" if "/" in page_path else ""
    if folder and target.startswith(folder):
        return target[len(folder) :]
    return root(page_path) + target
