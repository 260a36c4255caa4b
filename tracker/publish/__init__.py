"""The static site: `mipex-tracker build` turns the library into `site/`.

Pages are Jinja2 templates (autoescaped) from `templates/`, which a library folder may
override by name in its own `templates/`. A build is deterministic — the same library
gives the same bytes — and rewrites only the files whose content changed, removing pages
of studies that are gone. See `tracker.safety` for what keeps hostile input harmless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, TemplateError

from tracker.export import DATAMODEL
from tracker.export.coins import coins_title
from tracker.publish import catalogue, lists, urls
from tracker.publish.bands import band_of
from tracker.publish.bubbles import BubbleScale
from tracker.publish.charts import Series, bar_chart, line_chart, small_multiples
from tracker.publish.citations import Citations, save_citations
from tracker.publish.facets import FACET_TITLES, EntryTexts, FacetValue, facet_groups
from tracker.publish.feeds import FeedEntry, atom, atom_feed, sitemap
from tracker.publish.lists import ORDERS, ordered, pages_of
from tracker.publish.output import BuildReport, Output
from tracker.publish.parallel import in_parallel
from tracker.publish.profiles import (
    AreaRow,
    CountryRow,
    Profile,
    latest_scores,
    national_indicators,
    national_profiles,
    year_notes,
    yearly_averages,
)
from tracker.publish.schema_org import json_ld
from tracker.publish.search import INDEX_FOLDER, Indexing, indexed_words
from tracker.publish.settings import SiteSettings, score_sources
from tracker.safety import best_link, slug
from tracker.scores import AREAS, ScoreRow
from tracker.store.views import StudyView
from tracker.templating import TEMPLATES, TemplateRenderError, environment, month_name, template_problem
from tracker.vocab import load_vocabulary

#: Studies the home page lists as the latest additions.
LATEST = 10
#: Studies an area's or a country's page lists (the latest added), before the link to all.
LATEST_ON_PAGE = 5
#: A study's scores over the years as lines, up to this many (its countries times its areas);
#: more cross and hide each other, and it gets each area's countries as bars instead.
LINES_PER_CHART = 6
AREA_ORDER = ("overall", *(area for area in AREAS if area != "overall"))  # the whole first, then strands
#: Scripts of the search page (templates/assets → site): the engine goes where Pagefind's UI
#: looks for its "pagefind.js", and its worker beside it.
SEARCH_ASSETS = (
    ("search.js", "assets/search.js"),
    ("search-engine.js", "search/engine/pagefind.js"),
    ("search-worker.js", "search/engine/search-worker.js"),
)


def _labels(facet: str) -> dict[str, str]:
    return {code: term.label for code, term in load_vocabulary(facet).terms.items()}


NO_OUTCOME = "none"


class IssueEntry(Protocol):
    """What the site reads of a study in a published digest issue."""

    key: str
    title: str
    doi: str
    url: str


class PublishedIssue(Protocol):
    """What the site reads of a published digest issue (the library hands them over, so the
    site does not depend on the digest's package: `tracker.digest.issues.Issue` is one; the
    templates digest.html and digests.html read its other parts: intro, closing, revision,
    each entry's authors, venue and summary)."""

    month: str
    title: str
    published_at: str
    revisions: list[dict[str, Any]]

    @property
    def entries(self) -> Sequence[IssueEntry]: ...


def _evidence_map(build: Build) -> None:
    """map/index.html and a paged list per non-empty cell: policy areas × outcomes as
    bubbles sized by count, gaps marked, the studies that measure no outcome apart; and the
    catalogue the map's filters count from. A country's map is this page filtered in the
    browser (`map/?country=SE`), not pages of its own: at 10,000 studies those repeated
    every cell list once per country (17 of 20 MB of the map)."""
    studies, labels = build.views, build.labels
    outcome_codes = list(load_vocabulary("outcome").terms)
    countries = labels["country"]
    with_country = build.studies_of("country")
    filters = [(code, countries.get(code, code)) for code in sorted(with_country, key=lambda c: countries.get(c, c))]
    codes = {"area": list(AREA_ORDER), "outcome": [*outcome_codes, NO_OUTCOME], "country": [c for c, _ in filters]}
    codes["use"] = list(labels["use"])
    build.output.write(catalogue.PATH, catalogue.catalogue_script(studies, codes, build.added))
    years = sorted({str(v.fields.get("year")) for v in studies if str(v.fields.get("year", "")).isdigit()})
    here = urls.page("map")
    cells: dict[tuple[str, str], list[StudyView]] = defaultdict(list)
    for study in studies:
        for area in study.tags.get("area", {}):
            for outcome in study.tags.get("outcome", {}) or [NO_OUTCOME]:
                cells[(area, outcome)].append(study)
    for (area, outcome), members in cells.items():
        title = f"{labels['area'].get(area, area)} and {labels['outcome'].get(outcome, 'no outcome measured').lower()}"
        cell_page = urls.page("map_cell", area, outcome)
        back = (urls.link(here, cell_page), "The evidence map")
        _paged_list(build, cell_page, title, members, back=back, filter={"area": area, "outcome": outcome})
    counts = {cell: len(members) for cell, members in cells.items()}
    scale = BubbleScale(max((n for (_, o), n in counts.items() if o != NO_OUTCOME), default=1))
    build.render(
        "map.html",
        here,
        title="Evidence map",
        rows=AREA_ORDER,
        columns=outcome_codes,
        cells=counts,
        radius={cell: scale.radius(n) for cell, n in counts.items()},
        legend=scale.legend(),
        cell_link={cell: urls.link(urls.page("map_cell", *cell), here) for cell in cells},
        row_total={a: sum(a in v.tags.get("area", {}) for v in studies) for a in AREA_ORDER},
        total=len(studies),
        filters=filters,
        years=(years[0], years[-1]) if years else None,
    )


@dataclass
class Build:
    """What every page maker of one build reads, and `render`, through which each writes a
    page: the studies (sorted by key), their facet groups, the scores' profiles, the
    labels, the settings and the output folder."""

    views: list[StudyView]
    scores: Sequence[ScoreRow]
    library_root: Path
    output: Output
    added: dict[str, str]
    base: str  # the site's absolute URL with a trailing slash, or "" (relative feeds, no sitemap)
    digests: Sequence[PublishedIssue]
    settings: SiteSettings
    citations: Citations = field(default_factory=Citations)
    search_ui: str = f"{INDEX_FOLDER}/"  # the index part whose copy of Pagefind's UI the search page loads
    env: Environment = field(init=False)
    labels: dict[str, dict[str, str]] = field(init=False)
    by_country: dict[str, Profile] = field(init=False)
    groups: dict[str, list[FacetValue]] = field(init=False)
    texts: EntryTexts = field(init=False)
    common: dict[str, object] = field(init=False)
    _added_rank: dict[str, int] = field(init=False)
    _coins: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        settings = self.settings
        self.views = sorted((v for v in self.views if settings.published(v.screening.status)), key=lambda v: v.key)
        # the "latest added" order of every list, sorted once: a list keeps its studies' places
        self._added_rank = {v.key: n for n, v in enumerate(ordered(self.views, "added", self.added))}
        self.env = environment(self.library_root)
        self.labels = {facet: _labels(facet) for facet in ("area", "country", "outcome", "use")}
        self.by_country = national_profiles(self.scores)
        self.groups = facet_groups(self.views, self.labels)
        self.texts = EntryTexts(self.views)
        self.common = {
            "areas": self.labels["area"],
            "countries": self.labels["country"],
            "outcomes": self.labels["outcome"],
            "uses": self.labels["use"],
            "settings": settings,
        }
        self.env.globals["coins"] = self.coins  # read by the macros of _list.html
        self.env.globals["band_of"] = band_of  # and the meters of _meter.html

    def coins(self, view: StudyView) -> str:
        """The study's COinS, made once: a study stands in many lists (every order of the
        list of all studies, each of its facets' lists, its map cells)."""
        made = self._coins.get(view.key)
        if made is None:
            made = self._coins[view.key] = coins_title(view)
        return made

    def latest_first(self, studies: Sequence[StudyView]) -> list[StudyView]:
        """These studies in `lists.ordered`'s "added" order (the default of every list)."""
        return sorted(studies, key=lambda view: self._added_rank[view.key])

    def render(self, template: str, relative: str, **context: object) -> str:
        """Write the page at `relative` (a path `urls` decided); its links are relative to it."""

        def url(kind: str, *args: str | None) -> str:
            return urls.link(urls.page(kind, *args), relative)

        def href(target: str) -> str:
            return urls.link(target, relative)

        try:
            template_file = self.env.get_template(template)
            text = template_file.render(root=urls.root(relative), url=url, href=href, **self.common, **context)
        except TemplateError as error:
            raise TemplateRenderError(template_problem(template, error)) from error
        self.output.write(relative, text)
        return text

    def studies_of(self, facet: str) -> dict[str, list[StudyView]]:
        """Each value of a facet (a country, an area) with its studies."""
        return {value.code: value.studies for value in self.groups[facet]}


def build_site(
    views: list[StudyView],
    scores: Sequence[ScoreRow],
    library_root: Path,
    out: Path,
    *,
    added: dict[str, str] | None = None,
    base_url: str | None = None,
    digests: Sequence[PublishedIssue] = (),
    progress: Callable[[str, int, int], None] | None = None,
    citation_cache: Path | None = None,
) -> BuildReport:
    """Every page of the site, from the studies (with their tags) and the scores. `added`
    dates each study (its first import) for feeds and "latest"; with `base_url` the site
    gets a sitemap.xml and absolute feed links; `citation_cache` keeps the formatted
    citations from one build to the next. The study pages come first: they are what
    search indexes, and Pagefind starts on them in processes of its own while the page
    makers write the rest."""
    settings = SiteSettings.load(library_root)
    base_url = base_url or settings.base_url
    base = (base_url.rstrip("/") + "/") if base_url else ""
    citations = Citations.load(citation_cache) if citation_cache else Citations()
    build = Build(views, scores, library_root, Output(out), added or {}, base, digests, settings, citations)
    build.output.report.base_url = base
    told = progress or (lambda _stage, _done, _total: None)
    build.output.report.warnings.extend(_slugs_alike_but_case(build.views))
    indexing, used_citations = _study_pages(build, lambda done, total: told("writing study pages", done, total))
    if citation_cache:
        save_citations(citation_cache, used_citations)
    build.search_ui = indexing.first_part
    for number, make in enumerate(PAGE_MAKERS, start=1):
        make(build)
        told("writing the other pages", number, len(PAGE_MAKERS))
    _search_page(build, indexing)
    output = build.output
    if base:
        pages = [str(p.relative_to(out)) for p in output.kept if p.suffix == ".html" and p.name != "404.html"]
        output.write("sitemap.xml", sitemap(base, pages))
    output.remove_the_rest(keep=(INDEX_FOLDER,))
    _, output.report.search_seconds, output.report.search = indexing.finish(
        lambda done, total: told("indexing for search (parts)", done, total)
    )
    return output.report


def _slugs_alike_but_case(views: Sequence[StudyView]) -> list[str]:
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


def _study_pages(build: Build, progress: Callable[[int, int], None]) -> tuple[Indexing, dict[str, str]]:
    """The list of studies and a page per study (with its cite files), written on every
    core; then the search index is started on the parts whose pages changed. Returns it,
    with the citations the pages used."""
    _list_of_all_studies(build)
    harvest = in_parallel(build.views, partial(_study_page, build), build.output, progress, StudyHarvest)
    words = harvest.words
    # Every tag's label, too: retagging a study then brings no new word to every part.
    words.update(word for labels in build.labels.values() for label in labels.values() for word in label.split())
    build.output.remove_the_rest("studies")
    studies = build.output.root / "studies"
    changed = {path.parent.name for path in build.output.changed if path.parent.parent == studies}
    indexing = Indexing(build.output.root, (slug(v.key) for v in build.views), changed, words)
    return indexing, harvest.citations


def _list_of_all_studies(build: Build) -> None:
    """The list of all studies, beside its facets, paged, in each of its orders."""
    orders = {order: urls.page("browse", order) for order in ORDERS}
    for order in ORDERS:
        studies = ordered(build.views, order, build.added)
        for page in pages_of(studies, partial(urls.page, "browse", order)):  # type: ignore[arg-type]
            build.render(
                "studies.html",
                page.path,
                page=page,
                order=order,
                orders={name: urls.link(path, page.path) for name, path in orders.items()},
                order_labels=ORDERS,
                facets=build.groups,
                titles=FACET_TITLES,
            )


def _paged_list(build: Build, first: str, title: str, studies: Sequence[StudyView], **context: Any) -> None:
    """A list of studies as pages of `PER_PAGE` (see `lists`), the first at `first`, latest
    added first."""
    for page in pages_of(build.latest_first(studies), partial(urls.list_page, first)):
        build.render("list.html", page.path, title=title, page=page, per_page=lists.PER_PAGE, **context)


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


def _facet_lists(build: Build) -> None:
    """A list page per outcome, use of MIPEX and year, with its downloads."""
    for facet in ("outcome", "use", "year"):
        for value in build.groups[facet]:
            title = f"{FACET_TITLES[facet]}: {value.label}"
            _paged_list(build, value.page, title, value.studies, filter={facet: value.code})


def _home_and_about(build: Build) -> None:
    """The home page (counts, the latest additions, the countries scored), the page about
    the data, the 404 page and the stylesheet."""
    latest = build.latest_first(build.views)[:LATEST]
    countries = build.labels["country"]
    digest = max(build.digests, key=lambda issue: issue.month, default=None)
    build.render(
        "home.html",
        urls.page("home"),
        count=len(build.views),
        latest=[(view, build.added.get(view.key, "")[:10]) for view in latest],
        digest=digest,
        digest_month=month_name(digest.month) if digest else "",
        search_ui=build.search_ui,
        scored=sorted(build.by_country, key=lambda c: countries.get(c, c)),
        studied={facet: len(build.groups[facet]) for facet in ("country", "area", "outcome")},
    )
    build.render("about.html", urls.page("about"), count=len(build.views), sources=score_sources(build.scores))
    build.render("404.html", "404.html")
    for asset in ("site.css", "cite.js", "map.js", "lists.js", "home.js"):
        build.output.write(f"assets/{asset}", (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))


def _downloads(build: Build) -> None:
    """The whole library in every export format. A slice of it (an area's studies) is not
    written again as files of its own: each study has its cite files, and the lists' COinS
    let Zotero save a page of them at once — at 10,000 studies the slices' files were
    two-thirds of the site (316 of 490 MB)."""
    for path, text in build.texts.files("downloads/library", build.views):
        build.output.write(path, text)
    build.output.write(f"downloads/{DATAMODEL.name}", DATAMODEL.read_text(encoding="utf-8"))


def _search_page(build: Build, indexing: Indexing) -> None:
    build.render("search.html", urls.page("search"), available=indexing.available, ui=indexing.first_part)
    for asset, relative in SEARCH_ASSETS:
        build.output.write(relative, (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))


def _country_pages(build: Build) -> None:
    """A page per country (its profile, the indicators under it, its studies) and the index
    of countries (each with its latest overall score, rank and number of studies)."""
    render, by_country, labels = build.render, build.by_country, build.labels
    indicators = national_indicators(build.scores)
    studies_of_country = build.studies_of("country")
    areas, countries, outcomes = labels["area"], labels["country"], labels["outcome"]
    overall_latest = {c: max(p["overall"].items()) for c, p in by_country.items() if p.get("overall")}
    averages = yearly_averages(by_country)
    ranking = sorted(overall_latest, key=lambda c: (-overall_latest[c][1], c))
    rows = []
    for code in sorted(set(by_country) | set(studies_of_country)):
        profile = by_country.get(code, {})
        members = studies_of_country.get(code, [])
        by_area = {a: sum(a in v.tags.get("area", {}) for v in members) for a in AREA_ORDER}
        by_outcome = {o: sum(o in v.tags.get("outcome", {}) for v in members) for o in outcomes}
        listed = urls.page("studies_of", "country", code)
        back = (urls.link(urls.page("country", code), listed), countries.get(code, code))
        _paged_list(build, listed, f"Studies about {back[1]}", members, back=back, filter={"country": code})
        scored_areas = [a for a in AREA_ORDER if profile.get(a)]
        series = [Series(areas.get(a, a), profile[a]) for a in scored_areas]
        compared = [averages[a] for a in scored_areas]
        rank = (ranking.index(code) + 1, len(ranking)) if code in overall_latest else None
        render(
            "country.html",
            urls.page("country", code),
            code=code,
            name=countries.get(code, code),
            chart=small_multiples(countries.get(code, code), series, compared),
            averages=compared,
            series=series,
            profile=profile,
            indicators={a: indicators[code][a] for a in AREA_ORDER if indicators.get(code, {}).get(a)},
            studies=len(members),
            latest=build.latest_first(members)[:LATEST_ON_PAGE],
            listed=listed,
            by_area={a: found for a, found in by_area.items() if found},
            by_outcome={o: found for o, found in by_outcome.items() if found},
            rank=rank,
        )
        rows.append(CountryRow(code, countries.get(code, code), overall_latest.get(code), rank, len(members)))
    rows.sort(key=lambda row: row.name)
    render("countries.html", urls.page("countries"), rows=rows)


def _area_pages(build: Build) -> None:
    """A page per policy area (its countries' latest scores, its studies) and the index of
    areas (each with its number of studies, of countries scored, and their average)."""
    render, by_country, studies_of_area = build.render, build.by_country, build.studies_of("area")
    areas, countries = build.labels["area"], build.labels["country"]
    rows = []
    for code in AREA_ORDER:
        latest = latest_scores(by_country, code, countries)
        members = studies_of_area.get(code, [])
        listed = urls.page("studies_of", "area", code)
        back = (urls.link(urls.page("area", code), listed), areas.get(code, code))
        _paged_list(build, listed, f"Studies about {back[1].lower()}", members, back=back, filter={"area": code})
        render(
            "area.html",
            urls.page("area", code),
            code=code,
            label=areas.get(code, code),
            chart=bar_chart(f"Latest MIPEX score in {areas.get(code, code)}, by country", year_notes(latest)),
            bars=latest,
            newest=max((year for _, _, year in latest), default=None),
            studies=len(members),
            latest=build.latest_first(members)[:LATEST_ON_PAGE],
            listed=listed,
        )
        average = sum(value for _, value, _ in latest) / len(latest) if latest else None
        rows.append(AreaRow(code, areas.get(code, code), len(studies_of_area.get(code, [])), len(latest), average))
    render("areas.html", urls.page("areas"), rows=rows)


def _feeds(build: Build) -> None:
    """Atom feeds of all studies and of each policy area's."""
    output, studies, added, base = build.output, build.views, build.added, build.base
    by_area, labels = build.studies_of("area"), build.labels["area"]
    output.write(
        "feeds/studies.atom.xml",
        atom_feed("MIPEX Evidence Tracker: new studies", "feeds/studies.atom.xml", studies, added, base),
    )
    for code in AREA_ORDER:
        if by_area.get(code):
            path = f"feeds/areas/{code}.atom.xml"
            output.write(path, atom_feed(f"New studies: {labels.get(code, code)}", path, by_area[code], added, base))


def _digest_pages(build: Build) -> None:
    """The published digest issues: a page each, the archive, and their Atom feed."""
    render, output, base = build.render, build.output, build.base
    study_slugs = {slug(v.key) for v in build.views}
    newest = sorted(build.digests, key=lambda issue: issue.month, reverse=True)
    for issue in newest:
        links = {e.key: best_link(e.doi, e.url) for e in issue.entries}
        render(
            "digest.html",
            urls.page("digest", issue.month),
            issue=issue,
            month_name=month_name(issue.month),
            links=links,
            on_site={e.key for e in issue.entries if slug(e.key) in study_slugs},
        )
    render("digests.html", urls.page("digests"), issues=newest, month_name=month_name)
    entries = [
        FeedEntry(
            title=issue.title,
            link=urls.page("digest", issue.month),
            updated=issue.revisions[-1]["at"] if issue.revisions else issue.published_at,
            summary=f"{len(issue.entries)} studies: " + "; ".join(e.title for e in issue.entries),
        )
        for issue in newest
    ]
    path = "feeds/digests.atom.xml"
    output.write(path, atom('"MIPEX in Use" digest', path, entries, base))


#: The pages written after the studies', in order: each maker writes its own pages
#: through `Build.render` (paths from `urls`) and its other files through `Build.output`.
PAGE_MAKERS: tuple[Callable[[Build], None], ...] = (
    _country_pages,
    _area_pages,
    _facet_lists,
    _evidence_map,
    _home_and_about,
    _downloads,
    _feeds,
    _digest_pages,
)
