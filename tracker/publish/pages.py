"""The other pages, one maker each (`PAGE_MAKERS`, in the order a build runs them): the
evidence map, the facet lists, home and about, downloads, countries, areas, feeds, digests,
and the search page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from tracker.export import DATAMODEL
from tracker.publish import catalogue, urls
from tracker.publish.bubbles import BubbleScale
from tracker.publish.build import AREA_ORDER, LATEST, LATEST_ON_PAGE, NO_OUTCOME, Build, paged_list
from tracker.publish.charts import Series, bar_chart, small_multiples
from tracker.publish.facets import FACET_TITLES
from tracker.publish.feeds import FeedEntry, atom, atom_feed
from tracker.publish.profiles import (
    AreaRow,
    CountryRow,
    latest_scores,
    national_indicators,
    year_notes,
    yearly_averages,
)
from tracker.publish.search import Indexing
from tracker.publish.settings import score_sources
from tracker.safety import best_link, slug
from tracker.store.views import StudyView
from tracker.templating import TEMPLATES, month_name
from tracker.vocab import load_vocabulary

#: Scripts of the search page (templates/assets → site): the engine goes where Pagefind's UI
#: looks for its "pagefind.js", and its worker beside it.
SEARCH_ASSETS = (
    ("search.js", "assets/search.js"),
    ("search-engine.js", "search/engine/pagefind.js"),
    ("search-worker.js", "search/engine/search-worker.js"),
)


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
        paged_list(build, cell_page, title, members, back=back, filter={"area": area, "outcome": outcome})
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


def _facet_lists(build: Build) -> None:
    """A list page per outcome, use of MIPEX and year, with its downloads."""
    for facet in ("outcome", "use", "year"):
        for value in build.groups[facet]:
            title = f"{FACET_TITLES[facet]}: {value.label}"
            paged_list(build, value.page, title, value.studies, filter={facet: value.code})


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
    """The whole library in every export format (`downloads`: zipped when large). A slice
    of it (an area's studies) is not written again as files of its own: each study has its
    cite files, and the lists' COinS let Zotero save a page of them at once — at 10,000 studies the slices' files were
    two-thirds of the site (316 of 490 MB)."""
    for download in build.downloads:
        build.output.write_bytes(download.path, download.data)
    build.output.write(f"downloads/{DATAMODEL.name}", DATAMODEL.read_text(encoding="utf-8"))


def search_page(build: Build, indexing: Indexing) -> None:
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
        paged_list(build, listed, f"Studies about {back[1]}", members, back=back, filter={"country": code})
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
        paged_list(build, listed, f"Studies about {back[1].lower()}", members, back=back, filter={"area": code})
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
