"""The site's catalogue: every published study in a few facts (its page, title, first
authors, year, the day it was added, its tags), as one script the browser loads once.

The evidence map filters and counts from it without leaving the page, and lists it as a
cell's studies; the lists re-sort from it. It is a script (`assets/catalogue.js`, setting
`window.MIPEX_CATALOGUE`), not a JSON file to fetch, so it also loads from a site opened
from disk, where browsers refuse `fetch`. Tags are indices into the code lists at its head,
which keeps it to about 150 bytes a study (1.5 MB for 10,000, cached after the first page).
The text is JSON, and the scripts reading it only ever set it as text, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tracker.publish.facets import facet_values
from tracker.safety import slug
from tracker.store.views import StudyView

PATH = "assets/catalogue.js"
#: The tag facets in the catalogue, each a list of codes the studies point into.
TAGS = ("area", "outcome", "country", "use")
#: Authors named in a study's line before "et al.".
AUTHORS_SHOWN = 3


def _authors(view: StudyView) -> str:
    names = [n.family or n.literal or n.given for n in view.authors[:AUTHORS_SHOWN]]
    return ", ".join(n for n in names if n) + (" et al." if len(view.authors) > AUTHORS_SHOWN else "")


def catalogue_script(views: Sequence[StudyView], codes: dict[str, Sequence[str]], added: dict[str, str]) -> str:
    """The catalogue of these studies; `codes` gives each tag facet's codes in the order
    the site shows them (codes a study has that are not there are added at the end)."""
    order = {facet: list(codes.get(facet, ())) for facet in TAGS}
    index = {facet: {code: n for n, code in enumerate(order[facet])} for facet in TAGS}
    studies = []
    for view in views:
        row: list[object] = [
            slug(view.key),
            str(view.fields.get("title") or view.key),
            _authors(view),
            str(view.fields.get("year", "")),
            added.get(view.key, "")[:10],
            str(view.fields.get("container", "")),
        ]
        for facet in TAGS:
            positions = []
            for code in facet_values(view, facet):
                if code not in index[facet]:
                    index[facet][code] = len(order[facet])
                    order[facet].append(code)
                positions.append(index[facet][code])
            row.append(positions)
        row.append(1 if view.screening.status == "undecided" else 0)
        studies.append(row)
    data = {
        "columns": ["slug", "title", "authors", "year", "added", "venue", *TAGS, "unscreened"],
        "codes": order,
        "studies": studies,
    }
    return "window.MIPEX_CATALOGUE = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"
