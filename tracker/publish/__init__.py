"""The static site: `mipex-tracker build` turns the library into `site/`.

Pages are Jinja2 templates (autoescaped) from `templates/`, which a library folder may
override by name in its own `templates/`. A build is deterministic — the same library
gives the same bytes — and rewrites only the files whose content changed, removing pages
of studies that are gone. See `tracker.safety` for what keeps hostile input harmless.

`build_site` runs the build: `build.Build` is what every page maker reads and renders
through, `study_pages` writes a page per study on every core (and the list of all
studies), `pages` holds the makers of every other page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from tracker.publish.build import Build, PublishedIssue
from tracker.publish.citations import Citations, save_citations
from tracker.publish.feeds import sitemap
from tracker.publish.output import BuildReport, Output
from tracker.publish.pages import PAGE_MAKERS, search_page
from tracker.publish.search import INDEX_FOLDER
from tracker.publish.settings import SiteSettings
from tracker.publish.study_pages import slugs_alike_but_case, write_study_pages
from tracker.scores import ScoreRow
from tracker.store.views import StudyView

__all__ = ["BuildReport", "PublishedIssue", "build_site"]


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
    build.output.report.warnings.extend(slugs_alike_but_case(build.views))
    build.render_exports(lambda done, total: told("rendering each study's exports", done, total))
    build.make_downloads(lambda done, total: told("making the library's downloads", done, total))
    indexing, used_citations = write_study_pages(build, told)
    if citation_cache:
        save_citations(citation_cache, used_citations)
    build.search_ui = indexing.first_part
    for number, make in enumerate(PAGE_MAKERS, start=1):
        make(build)
        told("writing the other pages", number, len(PAGE_MAKERS))
    search_page(build, indexing)
    output = build.output
    if base:
        pages = [str(p.relative_to(out)) for p in output.kept if p.suffix == ".html" and p.name != "404.html"]
        output.write("sitemap.xml", sitemap(base, pages))
    output.remove_the_rest(keep=(INDEX_FOLDER,))
    _, output.report.search_seconds, output.report.search = indexing.finish(
        lambda done, total: told("indexing for search (parts)", done, total)
    )
    return output.report

