"""The static site: `mipex-tracker build` turns the library into `site/`.

Pages are Jinja2 templates (autoescaped) from `templates/`, which a library folder may
override by name in its own `templates/`. A build is deterministic — the same library
gives the same bytes — and rewrites only the files whose content changed, removing pages
of studies that are gone. See `tracker.safety` for what keeps hostile input harmless.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any, Protocol

from jinja2 import TemplateError

from tracker.publish import urls
from tracker.publish.charts import Series, bar_chart, line_chart, small_multiples
from tracker.publish.facets import FACET_TITLES, FACETS, EntryTexts, download_stem, facet_groups
from tracker.publish.feeds import FeedEntry, atom, atom_feed, sitemap
from tracker.publish.output import BuildReport, Output
from tracker.publish.parallel import in_parallel
from tracker.publish.profiles import (
    AreaRow,
    CountryRow,
    Indicator,
    Profile,
    latest_scores,
    national_indicators,
    national_profiles,
    year_notes,
)
from tracker.publish.search import INDEX_FOLDER, Indexing, indexed_words
from tracker.publish.settings import SiteSettings, score_sources
from tracker.safety import best_link, doi_url, slug
from tracker.scores import AREAS, ScoreRow
from tracker.store.views import StudyView
from tracker.templating import TEMPLATES, TemplateRenderError, environment, month_name, template_problem
from tracker.vocab import load_vocabulary

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


def _json_ld(view: StudyView, url: str) -> str:
    """schema.org ScholarlyArticle, safe inside a <script> data block."""
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": view.fields.get("title", ""),
        "author": [{"@type": "Person", "name": n.sort_form()} for n in view.authors],
        "datePublished": view.fields.get("year", ""),
        "isPartOf": view.fields.get("container", ""),
        "url": url,
    }
    if doi_url(view.fields.get("doi")):
        data["sameAs"] = doi_url(view.fields.get("doi"))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # inert in <script>


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


def _evidence_map(studies: list[StudyView], with_country: dict[str, list[StudyView]], render) -> None:  # type: ignore[no-untyped-def]
    """map/index.html (all countries), map/<iso2>/index.html (one country), and a list page
    per non-empty cell: policy areas × outcomes, gaps shown."""
    outcome_codes = [*load_vocabulary("outcome").terms, NO_OUTCOME]
    countries = _labels("country")
    filters = [(code, countries.get(code, code)) for code in sorted(with_country)]
    for country, chosen in [(None, studies), *((c, with_country[c]) for c, _ in filters)]:
        here = urls.page("map", country)
        cells: dict[tuple[str, str], list[StudyView]] = defaultdict(list)
        for study in chosen:
            for area in study.tags.get("area", {}):
                for outcome in study.tags.get("outcome", {}) or [NO_OUTCOME]:
                    cells[(area, outcome)].append(study)
        most = max((len(v) for v in cells.values()), default=1)
        links = {cell: urls.link(urls.page("map_cell", *cell, country), here) for cell in cells}
        for (area, outcome), members in cells.items():
            title = f"{_labels('area').get(area, area)} and {_labels('outcome').get(outcome, 'no outcome').lower()}"
            render("list.html", urls.page("map_cell", area, outcome, country), title=title, studies=members)
        render(
            "map.html",
            here,
            title="Evidence map" + (f": {countries.get(country, country)}" if country else ""),
            rows=AREA_ORDER,
            columns=outcome_codes,
            cells={cell: len(members) for cell, members in cells.items()},
            shade={cell: 1 + round(3 * (len(members) - 1) / max(most - 1, 1)) for cell, members in cells.items()},
            cell_link=links,
            country=country,
            filters=filters,
        )


def build_site(
    views: list[StudyView],
    scores: Sequence[ScoreRow],
    library_root: Path,
    out: Path,
    *,
    added: dict[str, str] | None = None,
    base_url: str | None = None,
    digests: Sequence[PublishedIssue] = (),
) -> BuildReport:
    """Every page of the site, from the studies (with their tags) and the scores. `added`
    dates each study (its first import) for feeds and "latest"; with `base_url` the site
    gets a sitemap.xml and absolute feed links."""
    added = added or {}
    base = (base_url.rstrip("/") + "/") if base_url else ""
    env = environment(library_root)
    output = Output(out)
    labels = {facet: _labels(facet) for facet in ("area", "country", "outcome", "use")}
    areas, countries, outcomes = labels["area"], labels["country"], labels["outcome"]
    by_country = national_profiles(scores)
    ordered = sorted(views, key=lambda v: v.key)
    settings = SiteSettings.load(library_root)
    common: dict[str, object] = {"areas": areas, "countries": countries, "outcomes": outcomes, "settings": settings}

    def render(template: str, relative: str, **context: object) -> str:
        """Write the page at `relative` (a path `urls` decided); its links are relative to it."""

        def url(kind: str, *args: str | None) -> str:
            return urls.link(urls.page(kind, *args), relative)

        try:
            text = env.get_template(template).render(root=urls.root(relative), url=url, **common, **context)
        except TemplateError as error:
            raise TemplateRenderError(template_problem(template, error)) from error
        output.write(relative, text)
        return text

    groups = facet_groups(ordered, labels)
    texts = EntryTexts(ordered)
    render("studies.html", urls.page("studies"), studies=ordered, facets=groups, titles=FACET_TITLES)

    def study_page(view: StudyView) -> set[str]:
        """Writes the study's page and cite files; returns the words search may index from it."""
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
        page = render(
            "study.html",
            urls.page("study", view.key),
            study=view,
            chart=chart,
            folded=len(chart_series) > LINES_PER_CHART,
            series=chart_series,
            json_ld=_json_ld(view, f"{folder}/"),
        )
        for path, text in texts.cite_files(folder, view):
            output.write(path, text)
        return indexed_words(page)

    words = in_parallel(ordered, study_page, output)
    # Every tag's label, too: retagging a study then brings no new word to every part.
    words.update(word for facet_labels in labels.values() for label in facet_labels.values() for word in label.split())
    output.remove_the_rest("studies")
    # The study pages are what search indexes: once they are all written, Pagefind starts on
    # the parts of the index whose pages changed, in processes of its own, while the rest of
    # the site is written.
    studies = out / "studies"
    changed = {path.parent.name for path in output.changed if path.parent.parent == studies}
    indexing = Indexing(out, (slug(v.key) for v in ordered), changed, words)
    studies_of_country = {value.code: value.studies for value in groups["country"]}
    studies_of_area = {value.code: value.studies for value in groups["area"]}
    _country_pages(render, by_country, national_indicators(scores), studies_of_country, labels)
    _area_pages(render, by_country, studies_of_area, labels)
    for facet in ("outcome", "use", "year"):
        for value in groups[facet]:
            render(
                "list.html",
                value.page,
                title=f"{FACET_TITLES[facet]}: {value.label}",
                studies=value.studies,
                downloads=value.downloads,
            )
    _evidence_map(ordered, studies_of_country, render)
    latest = sorted(views, key=lambda v: (added.get(v.key, ""), v.key), reverse=True)[:10]
    render(
        "home.html",
        urls.page("home"),
        count=len(views),
        latest=latest,
        scored=sorted(by_country, key=lambda c: labels["country"].get(c, c)),
        studied={facet: len(groups[facet]) for facet in ("country", "area", "outcome")},
    )
    render("about.html", urls.page("about"), count=len(views), sources=score_sources(scores))
    render("404.html", "404.html")
    output.write("assets/site.css", (TEMPLATES / "assets" / "site.css").read_text(encoding="utf-8"))
    lists = [("downloads/library", ordered), *((v.downloads, v.studies) for f in FACETS for v in groups[f])]
    for stem, members in lists:
        for path, text in texts.files(stem, members):
            output.write(path, text)
    _feeds(output, ordered, studies_of_area, added, base)
    _digest_pages(render, output, digests, {slug(v.key) for v in ordered}, base)
    render("search.html", urls.page("search"), available=indexing.available, ui=indexing.first_part)
    for asset, relative in SEARCH_ASSETS:
        output.write(relative, (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))
    if base:
        pages = [str(p.relative_to(out)) for p in output.kept if p.suffix == ".html" and p.name != "404.html"]
        output.write("sitemap.xml", sitemap(base, pages))
    output.remove_the_rest(keep=(INDEX_FOLDER,))
    _, output.report.search_seconds, output.report.search = indexing.finish()
    return output.report


def _country_pages(
    render,  # type: ignore[no-untyped-def]
    by_country: dict[str, Profile],
    indicators: dict[str, dict[str, list[Indicator]]],
    studies_of_country: dict[str, list[StudyView]],
    labels: dict[str, dict[str, str]],
) -> None:
    """A page per country (its profile, the indicators under it, its studies) and the index
    of countries (each with its latest overall score, rank and number of studies)."""
    areas, countries, outcomes = labels["area"], labels["country"], labels["outcome"]
    overall_latest = {c: max(p["overall"].items()) for c, p in by_country.items() if p.get("overall")}
    ranking = sorted(overall_latest, key=lambda c: (-overall_latest[c][1], c))
    rows = []
    for code in sorted(set(by_country) | set(studies_of_country)):
        profile = by_country.get(code, {})
        members = studies_of_country.get(code, [])
        by_area = {a: [v for v in members if a in v.tags.get("area", {})] for a in AREA_ORDER}
        by_outcome = {o: [v for v in members if o in v.tags.get("outcome", {})] for o in sorted(outcomes)}
        series = [Series(areas.get(a, a), profile[a]) for a in AREA_ORDER if profile.get(a)]
        rank = (ranking.index(code) + 1, len(ranking)) if code in overall_latest else None
        render(
            "country.html",
            urls.page("country", code),
            code=code,
            name=countries.get(code, code),
            chart=small_multiples(countries.get(code, code), series),
            series=series,
            profile=profile,
            indicators={a: indicators[code][a] for a in AREA_ORDER if indicators.get(code, {}).get(a)},
            studies=members,
            by_area={a: found for a, found in by_area.items() if found},
            by_outcome={o: found for o, found in by_outcome.items() if found},
            rank=rank,
            downloads=download_stem("country", code) if members else None,
        )
        rows.append(CountryRow(code, countries.get(code, code), overall_latest.get(code), rank, len(members)))
    rows.sort(key=lambda row: row.name)
    render("countries.html", urls.page("countries"), rows=rows)


def _area_pages(
    render,  # type: ignore[no-untyped-def]
    by_country: dict[str, Profile],
    studies_of_area: dict[str, list[StudyView]],
    labels: dict[str, dict[str, str]],
) -> None:
    """A page per policy area (its countries' latest scores, its studies) and the index of
    areas (each with its number of studies, of countries scored, and their average)."""
    areas, countries = labels["area"], labels["country"]
    rows = []
    for code in AREA_ORDER:
        latest = latest_scores(by_country, code, countries)
        render(
            "area.html",
            urls.page("area", code),
            code=code,
            label=areas.get(code, code),
            chart=bar_chart(f"Latest MIPEX score in {areas.get(code, code)}, by country", year_notes(latest)),
            bars=latest,
            newest=max((year for _, _, year in latest), default=None),
            studies=studies_of_area.get(code, []),
            downloads=download_stem("area", code) if code in studies_of_area else None,
        )
        average = sum(value for _, value, _ in latest) / len(latest) if latest else None
        rows.append(AreaRow(code, areas.get(code, code), len(studies_of_area.get(code, [])), len(latest), average))
    render("areas.html", urls.page("areas"), rows=rows)


def _feeds(
    output: Output, studies: list[StudyView], by_area: dict[str, list[StudyView]], added: dict[str, str], base: str
) -> None:
    """Atom feeds of all studies and of each policy area's."""
    labels = _labels("area")
    output.write(
        "feeds/studies.atom.xml",
        atom_feed("MIPEX Evidence Tracker: new studies", "feeds/studies.atom.xml", studies, added, base),
    )
    for code in AREA_ORDER:
        if by_area.get(code):
            path = f"feeds/areas/{code}.atom.xml"
            output.write(path, atom_feed(f"New studies: {labels.get(code, code)}", path, by_area[code], added, base))


def _digest_pages(render, output: Output, digests: Sequence[PublishedIssue], study_slugs: set[str], base: str) -> None:  # type: ignore[no-untyped-def]
    """The published digest issues: a page each, the archive, and their Atom feed."""
    newest = sorted(digests, key=lambda issue: issue.month, reverse=True)
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
