"""What every page maker of a build reads: the studies, their facet groups, the scores' profiles,
the labels and settings (`Build`), and how a page is written through it (`Build.render`,
`paged_list`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, TemplateError

from tracker.export.coins import coins_title
from tracker.publish import lists, urls
from tracker.publish.bands import band_of
from tracker.publish.citations import Citations
from tracker.publish.downloads import Download, library_downloads
from tracker.publish.facets import EntryTexts, FacetValue, facet_groups
from tracker.publish.lists import latest_added, pages_of
from tracker.publish.output import Output
from tracker.publish.profiles import Profile, national_profiles
from tracker.publish.search import INDEX_FOLDER
from tracker.publish.settings import SiteSettings
from tracker.scores import AREAS, ScoreRow
from tracker.store.views import StudyView
from tracker.templating import TemplateRenderError, environment, template_problem
from tracker.vocab import load_vocabulary

#: Studies the home page lists as the latest additions.
LATEST = 10
#: Studies an area's or a country's page lists (the latest added), before the link to all.
LATEST_ON_PAGE = 5
#: A study's scores over the years as lines, up to this many (its countries times its areas);
#: more cross and hide each other, and it gets each area's countries as bars instead.
LINES_PER_CHART = 6
AREA_ORDER = ("overall", *(area for area in AREAS if area != "overall"))  # the whole first, then strands


def labels_of(facet: str) -> dict[str, str]:
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
    downloads: list[Download] = field(init=False, default_factory=list)  # the whole library's, per format
    common: dict[str, object] = field(init=False)
    _added_rank: dict[str, int] = field(init=False)
    _coins: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        settings = self.settings
        self.views = sorted((v for v in self.views if settings.published(v.screening.status)), key=lambda v: v.key)
        # the "latest added" order of every list, sorted once: a list keeps its studies' places
        self._added_rank = {v.key: n for n, v in enumerate(latest_added(self.views, self.added))}
        self.env = environment(self.library_root)
        self.labels = {facet: labels_of(facet) for facet in ("area", "country", "outcome", "use")}
        self.by_country = national_profiles(self.scores)
        self.groups = facet_groups(self.views, self.labels)
        self.common = {
            "areas": self.labels["area"],
            "countries": self.labels["country"],
            "outcomes": self.labels["outcome"],
            "uses": self.labels["use"],
            "settings": settings,
        }
        self.env.globals["coins"] = self.coins  # read by the macros of _list.html
        self.env.globals["band_of"] = band_of  # and the meters of _meter.html

    def render_exports(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Every study in every export format (`texts`): the study pages' cite files and the
        downloads are made of them."""
        self.texts = EntryTexts(self.views, progress)

    def make_downloads(self, progress: Callable[[int, int], None] | None = None) -> None:
        """The whole library's downloads (`downloads`), before any page: the links to them
        say their sizes."""
        self.downloads = library_downloads(self.texts, self.views, self.output.root, progress)
        self.env.globals["downloads"] = self.downloads  # read by the macros of _downloads.html

    def coins(self, view: StudyView) -> str:
        """The study's COinS, made once: a study stands in many lists (every order of the
        list of all studies, each of its facets' lists, its map cells)."""
        made = self._coins.get(view.key)
        if made is None:
            made = self._coins[view.key] = coins_title(view)
        return made

    def latest_first(self, studies: Sequence[StudyView]) -> list[StudyView]:
        """These studies in `lists.latest_added`'s order (every list's as built)."""
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


def paged_list(build: Build, first: str, title: str, studies: Sequence[StudyView], **context: Any) -> None:
    """A list of studies as pages of `PER_PAGE` (see `lists`), the first at `first`, latest
    added first."""
    for page in pages_of(build.latest_first(studies), partial(urls.list_page, first)):
        build.render("list.html", page.path, title=title, page=page, per_page=lists.PER_PAGE, **context)
