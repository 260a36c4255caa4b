"""The study pages, most of a build: a page per study (its facts, tags, scores, citations and
cite files) rendered on every core, and the list of all studies in each of its orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from html import escape

from tracker.publish import lists, urls
from tracker.publish.build import AREA_ORDER, LINES_PER_CHART, Build
from tracker.publish.charts import Series, bar_chart, line_chart
from tracker.publish.facets import FACET_TITLES
from tracker.publish.lists import pages_of
from tracker.publish.parallel import in_parallel
from tracker.publish.profiles import latest_scores, year_notes
from tracker.publish.schema_org import json_ld
from tracker.publish.search import Indexing, indexed_words
from tracker.safety import slug
from tracker.store.views import StudyView


def slugs_alike_but_case(views: Sequence[StudyView]) -> list[str]:
    """Study pages whose folders differ only in case (`Smith2020/`, `smith2020/`): a static
    host keeps both, but a copy of the site on a case-blind disk (macOS, Windows) would not."""
    by_folded: dict[str, list[str]] = defaultdict(list)
    for view in views:
        by_folded[slug(view.key).casefold()].append(view.key)
    return [
        f"the pages of {' and '.join(keys)} differ only in the case of their address: serve the site from "
        "a host that tells case apart (any web server does); a copy on a disk that ignores case (macOS, "
        "Windows) keeps only one of them"
        for keys in by_folded.values()
        if len(keys) > 1
    ]


@dataclass
class StudyHarvest:
    """What the study pages give back to the build: the words search may index, and the
    formatted citations they used (which the next build may reuse)."""

    words: set[str] = field(default_factory=set)
    citations: dict[str, str] = field(default_factory=dict)

    def __ior__(self, other: StudyHarvest) -> StudyHarvest:
        self.words |= other.words
        self.citations.update(other.citations)
        return self


def write_study_pages(build: Build, told: Callable[[str, int, int], None]) -> tuple[Indexing, dict[str, str]]:
    """The list of studies and a page per study (with its cite files), written on every
    core; then the search index is started on the parts whose pages changed. Returns it,
    with the citations the pages used."""
    _list_of_all_studies(build, lambda done, total: told("writing the list of all studies", done, total))
    progress = partial(told, "writing study pages")
    progress(0, len(build.views))
    harvest = in_parallel(build.views, partial(_study_page, build), build.output, progress, StudyHarvest)
    words = harvest.words
    # Every tag's label, too: retagging a study then brings no new word to every part.
    words.update(word for labels in build.labels.values() for label in labels.values() for word in label.split())
    build.output.remove_the_rest("studies")
    studies = build.output.root / "studies"
    changed = {path.parent.name for path in build.output.changed if path.parent.parent == studies}
    indexing = Indexing(build.output.root, (slug(v.key) for v in build.views), changed, words)
    return indexing, harvest.citations


def _list_of_all_studies(build: Build, progress: Callable[[int, int], None]) -> None:
    """The list of all studies, beside its facets, paged, latest added first (the browser
    sorts it in the other orders, as every list)."""
    pages = list(pages_of(build.latest_first(build.views), partial(urls.page, "browse")))  # type: ignore[arg-type]
    for done, page in enumerate(pages, start=1):
        build.render(
            "studies.html", page.path, page=page, per_page=lists.PER_PAGE, facets=build.groups, titles=FACET_TITLES
        )
        if done % 20 == 0 or done == len(pages):
            progress(done, len(pages))


def _study_page(build: Build, view: StudyView) -> StudyHarvest:
    """Writes the study's page and cite files; returns the words search may index from it
    and its formatted citations."""
    areas, countries, by_country = build.labels["area"], build.labels["country"], build.by_country
    folder = urls.study_folder(view.key)
    chart_series = [
        Series(f"{countries.get(c, c)}: {areas.get(a, a)}", by_country[c][a])
        for c in sorted(view.tags.get("country", {}))
        for a in AREA_ORDER
        if a in view.tags.get("area", {}) and by_country.get(c, {}).get(a)
    ]
    title = view.fields.get("title", view.key)
    if len(chart_series) <= LINES_PER_CHART:
        chart = line_chart(f"MIPEX scores of {title}", chart_series)
    else:  # too many lines to tell apart: per area, its countries' latest scores side by side
        studied = view.tags.get("country", {})
        chart = "".join(
            f"<h3>{escape(areas.get(a, a))}</h3>"
            + bar_chart(f"Latest MIPEX score in {areas.get(a, a)}", year_notes(rows))
            for a in AREA_ORDER
            if a in view.tags.get("area", {}) and (rows := latest_scores(by_country, a, countries, sorted(studied)))
        )
    citations = build.citations.of(view)
    page = build.render(
        "study.html",
        urls.page("study", view.key),
        study=view,
        citations=[c for c in citations if c.html],
        chart=chart,
        folded=len(chart_series) > LINES_PER_CHART,
        series=chart_series,
        json_ld=json_ld(view, f"{build.base}{folder}/" if build.base else "./"),
    )
    for path, text in build.texts.cite_files(folder, view):
        build.output.write(path, text)
    return StudyHarvest(indexed_words(page), {c.key: c.html for c in citations})
