"""The built site in a real browser: Debian's Chromium driven by Playwright (no browser
download: `executable_path="/usr/bin/chromium"`, kept off the network by its flags).

Skips, saying why, where Chromium or Playwright is not installed (`.ci/run` installs both).
Screenshots of the pages visited are saved in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import include_all
from tracker.library import Library
from tracker.publish import search
from tracker.publish.serve import preview_server
from tracker.scores import AREAS

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STUDIES = r"""
@article{kogan2016,
  author = {Kogan, Irena and Shen, Jing},
  title = {Integration policies and the life satisfaction of immigrants in Sweden},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016}, volume = {42}, number = {11},
  pages = {1783--1809}, doi = {10.1080/1369183X.2016.1152174},
  abstract = {Using survey data, multilevel models relate integration policies to the life satisfaction of immigrants.}
}
@article{ruhs2018,
  author = {Ruhs, Martin},
  title = {Family reunification rules and the life satisfaction of immigrants in Denmark},
  journal = {Migration Studies}, year = {2018}
}
"""
#: As long as a real source's name (the about page's table must still fit a phone).
SOURCE = '"test data written by the project, in the layout of MPG\'s Policy Indicators Scores (2007-2019), core set"'
STRANDS_BUT_FAMILY = [area for area in AREAS if area not in ("overall", "family_reunion")]
SCORES = (
    "country,area,year,score,edition,source,indicator,title\n"
    + "".join(
        f"{country},overall,{year},{value},test edition,{SOURCE},,\n"
        for country, values in {"SE": (85, 86), "DK": (49, 50)}.items()
        for year, value in zip((2014, 2019), values, strict=True)
    )
    # Sweden scored in every strand, as MPG scores a country (the long area names must fit a phone)
    + "".join(
        f"SE,{area},{year},{value},test edition,{SOURCE},,\n"
        for area in STRANDS_BUT_FAMILY
        for year, value in ((2007, 40), (2019, 60))
    )
    # Sweden's family reunification score and the indicators under it.
    + "".join(
        f'SE,family_reunion,{year},{value},test edition,{SOURCE},{code},"{title}"\n'
        for code, title, values in [
            ("", "", (75, 88)),
            ("a1", "Eligibility of partners and children", (100, 100)),
            ("a2", "Pre-entry or immediately post-entry integration requirement, in its language form", (50, 75)),
        ]
        for year, value in zip((2014, 2019), values, strict=True)
    )
)

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    (folder / "studies.bib").write_text(STUDIES)
    (folder / "scores.csv").write_text(SCORES)
    library = Library(folder / "library")
    library.import_files([folder / "studies.bib"])
    include_all(library)
    library.import_scores(folder / "scores.csv")
    library.tag()
    library.digests.new("2026-11", "November MIPEX in Use")
    library.digests.write_summary("kogan2016", "Integration policies and life satisfaction. Survey data from Sweden.")
    library.digests.write_summary("ruhs2018", "Family reunification rules in Denmark. Life satisfaction follows.")
    library.digests.publish("2026-11")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_PART", 1)  # the two studies in two parts: every search merges parts
        patch.setattr(search, "ONE_INDEX_UP_TO", 0)
        library.build()
    yield from _served(library.paths.root / "site")


def _served(site: Path) -> Iterator[str]:
    server = preview_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A page that records console errors and uncaught exceptions (a CSP violation is one)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_finds_a_study_and_the_country_filter_narrows_it(page, site_url):
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "satisfaction")
    results = page.locator(".pagefind-ui__result-link")
    playwright.expect(results).to_have_count(2, timeout=10_000)  # each shows once its data has come
    assert all(
        link.startswith("/studies/")
        for link in results.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    )
    page.locator(".pagefind-ui__filter-name", has_text="country").click()
    page.locator(".pagefind-ui__filter-label", has_text="Denmark").click()
    playwright.expect(results).to_have_count(1, timeout=10_000)  # (no eval: the page's CSP forbids it)
    assert "Denmark" in results.first.inner_text()
    _shot(page, "search")
    assert page.errors == []


def test_the_search_page_fetches_each_parts_start_files_in_one_pack(page, site_url):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.split("?")[0]))
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "satisfaction")
    page.locator(".pagefind-ui__filter-name", has_text="country").click()
    page.locator(".pagefind-ui__filter-label", has_text="Denmark").click()  # counts and filtering need them all
    playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(1, timeout=10_000)
    parts = json.loads(page.evaluate("fetch('/pagefind/parts.json').then((r) => r.text())"))["parts"]
    packs = sorted(url for url in fetched if url.endswith("/start.pack"))
    assert packs == sorted(f"{site_url}pagefind/{name}/start.pack" for name in parts)
    unpacked = [url for url in fetched if url.endswith((".pf_filter", ".pf_meta", "pagefind-entry.json"))]
    assert unpacked == [], "fetched one by one, though the packs hold them"
    assert any(url.endswith(".pf_index") for url in fetched)  # the words' chunks come as they are needed
    assert page.errors == []


def test_a_part_whose_pack_cannot_be_read_is_searched_all_the_same(page, tmp_path):
    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "s.bib", STUDIES)])
    include_all(library)
    library.tag()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_PART", 1)
        patch.setattr(search, "ONE_INDEX_UP_TO", 0)
        library.build()
    index = library.paths.root / "site" / "pagefind"
    packs = sorted(index.glob("*/start.pack"))
    assert len(packs) == 2
    packs[0].write_bytes(packs[0].read_bytes()[:-100])  # cut short
    packs[1].unlink()  # a part built before the packs
    for url in _served(library.paths.root / "site"):
        page.goto(url + "search/index.html")
        page.fill(".pagefind-ui__search-input", "satisfaction")
        playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(2, timeout=10_000)
        page.locator(".pagefind-ui__filter-name", has_text="country").click()
        playwright.expect(page.locator(".pagefind-ui__filter-label", has_text="Denmark")).to_contain_text("1")


def _search_answer(page, url: str, query: str) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The results line and every filter value with its count, as the search page shows them."""
    page.goto(url + "search/index.html")
    page.fill(".pagefind-ui__search-input", query)
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
    for name in page.locator(".pagefind-ui__filter-name").all():
        name.click()
    return page.locator(".pagefind-ui__message").inner_text(), page.locator(
        ".pagefind-ui__filter-label"
    ).all_inner_texts()


def test_search_over_the_index_parts_answers_as_one_index_does(page, tmp_path):
    from tracker.synthetic import bibtex_library

    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "many.bib", bibtex_library(60))])
    include_all(library)
    library.tag()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_PART", 4)  # 16 parts, as a library of 4,000 studies would have
        patch.setattr(search, "ONE_INDEX_UP_TO", 0)
        library.build(out=tmp_path / "parts")
    library.build(out=tmp_path / "whole")
    assert len(json.loads((tmp_path / "parts" / "pagefind" / "parts.json").read_text())["parts"]) > 8
    assert json.loads((tmp_path / "whole" / "pagefind" / "parts.json").read_text())["parts"].keys() == {"0"}
    for query in ("integration", "refugee", "citizenship policy"):
        answers = [_search_answer(page, url, query) for site in ("parts", "whole") for url in _served(tmp_path / site)]
        assert answers[0] == answers[1] and re.match(r"\d+ results? for", answers[0][0]), answers
        assert any(re.search(r"\d", label) for label in answers[0][1])  # the filters carry counts
    for url in _served(tmp_path / "parts"):
        _search_answer(page, url, "integration")
        cores = page.evaluate("navigator.hardwareConcurrency")
        assert len(page.workers) == min(cores, 4), "the parts are searched by one worker per core, up to four"
        assert {worker.url.rsplit("/", 1)[-1] for worker in page.workers} == {"search-worker.js"}
    assert page.errors == []


def test_an_index_built_without_words_pages_still_finds_every_study(page, tmp_path):
    # Sites built before the words pages: the search page must not hide studies looking for them.
    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "s.bib", STUDIES.replace("Integration policies", "MIPEX scores"))])
    include_all(library)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_PART", 1)
        patch.setattr(search, "ONE_INDEX_UP_TO", 0)
        patch.setattr(search.Part, "glob", property(lambda part: "studies/{" + ",".join(part.slugs) + "}/index.html"))
        library.build()
    for url in _served(library.paths.root / "site"):
        page.goto(url + "search/index.html")
        page.fill(".pagefind-ui__search-input", "mipex")
        playwright.expect(page.locator(".pagefind-ui__message")).to_have_text("1 result for mipex", timeout=10_000)
    assert page.errors == []


@pytest.mark.parametrize("named", [True, False], ids=["manifest-names-words-page", "words-page-searched-for"])
def test_the_words_pages_are_never_results(page, tmp_path, named):
    # The build names the words pages' ids in parts.json; a manifest without them (the build
    # could not tell one part's) makes the workers search for the pages by their marker word.
    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "s.bib", STUDIES)])
    include_all(library)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_PART", 1)
        patch.setattr(search, "ONE_INDEX_UP_TO", 0)
        library.build()
    manifest = library.paths.root / "site" / "pagefind" / "parts.json"
    recorded = json.loads(manifest.read_text())
    assert len(recorded["wordsPages"]) == 1 and recorded["wordsPages"][0].startswith(f"{search.NO_STEMMING}_")
    if not named:
        manifest.write_text(json.dumps({key: value for key, value in recorded.items() if key != "wordsPages"}))
    for url in _served(library.paths.root / "site"):
        page.goto(url + "search/index.html")
        page.fill(".pagefind-ui__search-input", "integration")  # a word of every words page, one study's
        playwright.expect(page.locator(".pagefind-ui__message")).to_have_text(
            "1 result for integration", timeout=10_000
        )
        playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(1)
    assert page.errors == []


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_typing_a_word_letter_by_letter_shows_the_results_of_the_whole_word(page, site_url):
    page.goto(site_url + "search/index.html")
    page.type(".pagefind-ui__search-input", "multilevel", delay=30)  # searches overtaken are skipped
    playwright.expect(page.locator(".pagefind-ui__message")).to_have_text("1 result for multilevel", timeout=10_000)
    playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(1)
    page.press(".pagefind-ui__search-input", "Backspace")
    page.type(".pagefind-ui__search-input", "l")
    playwright.expect(page.locator(".pagefind-ui__message")).to_have_text("1 result for multilevel", timeout=10_000)
    assert page.errors == []


def test_a_word_one_part_lacks_finds_only_the_studies_that_have_it(page, site_url):
    # ruhs2018's part has no "integration", but has "in": Pagefind alone would match that instead.
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "integration")
    message = page.locator(".pagefind-ui__message")
    playwright.expect(message).to_have_text("1 result for integration", timeout=10_000)
    playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_text(
        ["Integration policies and the life satisfaction of immigrants in Sweden"]
    )
    assert page.errors == []


def test_the_home_pages_search_box_answers_in_place_and_opens_the_results(page, site_url):
    page.goto(site_url + "index.html")
    assert page.locator('link[rel="prefetch"]').count() == 0  # nothing fetched for a reader who does not search
    page.focus("#home-search")  # one who starts to: the search page's files come while the query is typed
    hrefs = page.locator('link[rel="prefetch"]').evaluate_all("(links) => links.map((l) => l.getAttribute('href'))")
    assert {"search/index.html", "search/engine/search-worker.js", "assets/search.js"} <= set(hrefs)
    assert page.locator("#home-results").is_hidden()
    page.type("#home-search", "satisfaction", delay=30)  # the first studies, under the box, as it is typed
    first = page.locator("#home-results ol a")
    playwright.expect(first).to_have_count(2, timeout=10_000)
    playwright.expect(page.locator("#home-results .quick-count")).to_have_text("2 studies match “satisfaction”:")
    assert set(first.all_text_contents()) == {
        "Integration policies and the life satisfaction of immigrants in Sweden",
        "Family reunification rules and the life satisfaction of immigrants in Denmark",
    }
    _shot(page, "home_quick_results")
    page.fill("#home-search", "multilevel")
    playwright.expect(first).to_have_count(1, timeout=10_000)
    playwright.expect(page.locator("#home-results .quick-count")).to_contain_text("1 study matches")
    page.fill("#home-search", "qwertyuiop")
    playwright.expect(page.locator("#home-results .quick-count")).to_have_text("No study matches “qwertyuiop”.")
    playwright.expect(first).to_have_count(0)
    page.fill("#home-search", "multilevel")
    first.first.click()  # a result leads to its study's page
    page.wait_for_url("**/studies/kogan2016/**")
    page.go_back()
    page.fill("#home-search", "satisfaction")
    page.press("#home-search", "Enter")  # Enter opens every result, with filters
    playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(2, timeout=10_000)
    assert page.url.endswith("search/index.html?q=satisfaction")
    assert page.errors == []


def test_search_finds_what_studies_say_not_the_pages_boilerplate(page, site_url):
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "BibTeX")  # every study page has a "BibTeX" cite link
    playwright.expect(page.locator(".pagefind-ui__message")).to_contain_text("No results", timeout=10_000)
    page.fill(".pagefind-ui__search-input", "multilevel")  # in one abstract
    playwright.expect(page.locator(".pagefind-ui__result-link")).to_have_count(1, timeout=10_000)


def test_the_year_filter_narrows_and_the_excerpts_hold_only_what_the_study_says(page, site_url):
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "satisfaction")
    results = page.locator(".pagefind-ui__result-link")
    playwright.expect(results).to_have_count(2, timeout=10_000)
    excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    # the filters' values are not text of the page: no "2018explains outcomes" leading an excerpt
    assert not any(re.match(r"\s*\d{4}", excerpt) for excerpt in excerpts), excerpts
    page.locator(".pagefind-ui__filter-name", has_text="year").click()
    page.locator(".pagefind-ui__filter-label", has_text="2016").click()
    playwright.expect(results).to_have_count(1, timeout=10_000)
    assert "Sweden" in results.first.inner_text()
    # the excerpt is the study's words (its byline and abstract), no tag labels run into them,
    # and no pill repeating the authors beside it
    (excerpt,) = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert "Irena Kogan, Jing Shen (2016)" in excerpt, excerpt
    for label in ("Integration policy as a whole", "Well-being", "Policy explains outcomes"):
        assert label not in excerpt, (label, excerpt)
    assert page.locator(".pagefind-ui__result-tag").count() == 0
    assert page.errors == []


def test_the_evidence_map_filters_in_place_and_lists_a_cells_studies_beside_it(page, site_url):
    page.goto(site_url + "map/index.html")
    status = page.locator(".map-status")
    playwright.expect(status).to_have_text("2 studies shown.")
    assert not page.locator(".without-script").is_visible()
    sweden = page.locator('td[data-area="overall"][data-outcome="wellbeing"]')
    assert sweden.locator(".n").text_content() == "1"
    page.select_option("#map-country", label="Denmark")
    playwright.expect(status).to_have_text("1 study shown (Denmark).")
    assert sweden.locator("circle.ring").count() == 1 and sweden.locator(".n").count() == 0  # now a gap
    assert page.url.endswith("map/index.html?country=DK")  # the filtered map has an address of its own
    page.goto(site_url + "countries/se/index.html")
    page.get_by_role("link", name="Sweden on the evidence map").click()
    playwright.expect(status).to_have_text("1 study shown (Sweden).")
    page.select_option("#map-country", label="All countries")
    page.fill("#map-from", "2017")
    playwright.expect(status).to_have_text("1 study shown.")  # Sweden's study (2016) is before the range
    family = page.locator('td[data-area="family_reunion"][data-outcome="wellbeing"] a.cell')
    family.click()
    panel = page.locator(".cell-studies")
    playwright.expect(panel.locator("h2")).to_have_text("Family reunification and well-being: 1 study")
    assert panel.locator("li").all_inner_texts() == [
        "Family reunification rules and the life satisfaction of immigrants in Denmark — Ruhs (2018)"
    ]
    _shot(page, "map")
    panel.locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/studies/ruhs2018/index.html")
    assert page.errors == []


def test_any_list_sorts_by_title_year_or_date_added_and_keeps_the_order_in_its_address(page, site_url):
    page.goto(site_url + "outcomes/wellbeing/index.html")
    titles = page.locator("ol.studies li > a")
    page.get_by_role("link", name="title").click()
    playwright.expect(page.locator(".showing")).to_have_text("2 studies, by title.")
    assert titles.all_inner_texts()[0].startswith("Family reunification rules")  # F before I
    assert page.url.endswith("?order=title&page=1")
    page.goto(site_url + "outcomes/wellbeing/index.html?order=year&page=1")  # a shared, sorted address
    playwright.expect(page.locator(".showing")).to_have_text("2 studies, by newest publication.")
    assert [t[:6] for t in titles.all_inner_texts()] == ["Family", "Integr"]  # 2018, then 2016
    assert page.locator('.orders a[aria-current="true"]').text_content() == "newest publication"
    page.goto(site_url + "outcomes/wellbeing/index.html?order=__proto__&page=-3")  # an address made up
    playwright.expect(page.locator(".showing")).to_have_text("2 studies.")  # the page as built
    page.goto(site_url + "studies/index.html")  # the list of all studies sorts the same way
    page.get_by_role("link", name="title").click()
    playwright.expect(page.locator(".showing")).to_have_text("2 studies, by title.")
    assert [t[:6] for t in titles.all_inner_texts()] == ["Family", "Integr"]
    assert page.url.endswith("studies/index.html?order=title&page=1")
    page.goto(site_url + "map/index.html?country=%3Cb%3E")
    playwright.expect(page.locator(".map-status")).to_have_text("2 studies shown.")  # no such country: all
    assert page.errors == []


def test_the_evidence_map_without_javascript_is_static_pages_that_link_every_cell(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "map/index.html")
        assert page.locator(".without-script").is_visible() and not page.locator("form.live-filters").is_visible()
        page.locator('td[data-area="overall"] a.cell').first.click()
        page.wait_for_load_state()
        page.locator(".studies a").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("/studies/kogan2016/index.html")
    finally:
        context.close()


def test_a_study_page_reads_as_zoteros_embedded_metadata_translator_reads_it(page, site_url):
    page.goto(site_url + "studies/kogan2016/index.html")
    meta = page.evaluate(
        """() => Array.from(document.querySelectorAll('meta[name^="citation_"]'))
               .map(m => [m.getAttribute('name'), m.getAttribute('content')])"""
    )
    tags: dict[str, list[str]] = {}
    for name, content in meta:
        tags.setdefault(name, []).append(content)
    assert tags["citation_title"] == ["Integration policies and the life satisfaction of immigrants in Sweden"]
    assert tags["citation_author"] == ["Kogan, Irena", "Shen, Jing"]
    assert tags["citation_publication_date"] == ["2016"]
    assert tags["citation_journal_title"] == ["Journal of Ethnic and Migration Studies"]
    assert tags["citation_doi"] == ["10.1080/1369183X.2016.1152174"]
    assert page.locator("svg.chart").count() == 1
    _shot(page, "study")
    assert page.errors == []


def test_a_citation_is_copied_by_its_button_in_the_style_chosen(browser, site_url):
    """The study page's "Copy" buttons (hidden without JavaScript) put the citation on the
    clipboard, as plain text and as rich text that keeps the journal's italics."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(site_url + "studies/kogan2016/index.html")
        chicago = page.locator("figure.citation", has_text="Chicago")
        chicago.get_by_role("button", name="Copy").click()
        page.get_by_role("status").filter(has_text="copied").wait_for()
        assert page.get_by_role("status").text_content() == "Chicago (author-date) citation copied."
        plain = page.evaluate("navigator.clipboard.readText()")
        assert plain.startswith("Kogan, Irena, and Jing Shen. 2016. “Integration Policies")
        rich = page.evaluate(
            """async () => { const [item] = await navigator.clipboard.read();
                             return await (await item.getType("text/html")).text(); }"""
        )
        assert "<i>Journal of Ethnic and Migration Studies</i>" in rich
        _shot(page, "study_cite")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "countries/se/index.html",
        "countries/index.html",
        "areas/overall/index.html",
        "areas/index.html",
        "studies/index.html",
        "studies/index.html?order=title",
        "outcomes/wellbeing/index.html",
        "areas/overall/studies/index.html",
        "map/index.html",
        "search/index.html?q=satisfaction",
        "about/index.html",
        "digests/2026-11/index.html",
    ],
)
def test_pages_load_without_console_errors(page, site_url, path):
    page.goto(site_url + path)
    assert page.locator("h1").count() == 1
    if "?q=" in path:
        page.locator(".pagefind-ui__result-link").first.wait_for()
    _shot(page, _shot_name(path))
    assert page.errors == []


def _shot_name(path: str) -> str:
    return path.replace("/", "_").replace("?q=", "_").replace("?", "_").replace("=", "-").removesuffix(".html")


AXE = Path(__file__).resolve().parents[1] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core is not installed ({AXE}; .ci/run installs it from npm)")
@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "studies/kogan2016/index.html",
        "countries/se/index.html",
        "countries/index.html",
        "map/index.html",
        "map/index.html?country=SE",
        "areas/overall/index.html",
        "areas/overall/studies/index.html",
        "outcomes/wellbeing/index.html?order=title",
        "areas/index.html",
        "search/index.html",
        "studies/index.html",
        "about/index.html",
        "digests/2026-11/index.html",
    ],
)
def test_pages_pass_the_axe_accessibility_check(browser, site_url, path):
    context = browser.new_context(bypass_csp=True)  # axe is injected for the check only
    page = context.new_page()
    try:
        page.goto(site_url + path)
        if path == "index.html":  # with the first results of the home page's box shown
            page.type("#home-search", "satisfaction")
            page.locator("#home-results ol a").first.wait_for()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})).violations"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"
        )
        assert violations == [], violations
    finally:
        context.close()


PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "studies/index.html",
        "studies/kogan2016/index.html",
        "countries/se/index.html",
        "countries/index.html",
        "map/index.html",
        "areas/overall/index.html",
        "outcomes/wellbeing/index.html",
        "search/index.html?q=satisfaction",
        "about/index.html",
        "digests/2026-11/index.html",
    ],
)
def test_pages_fit_a_phone_screen(browser, site_url, path):
    """No sideways scrolling on a phone: text wraps, charts shrink, the map scrolls in its own box
    (what a page folds away, such as a country's indicators, opened too)."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # bypass: to measure with a script
    page = context.new_page()
    try:
        page.goto(site_url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        for width in page.evaluate(
            "[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width)"
        ):
            assert width <= PHONE["width"]
        # a table wider than the phone scrolls in its box, but its caption is read whole, on screen
        for right in page.evaluate(
            "[...document.querySelectorAll('.table-wrap caption, .map-wrap caption')]"
            ".map(c => c.getBoundingClientRect().right)"
        ):
            assert right <= PHONE["width"], path
        if "?q=" in path:
            page.locator(".pagefind-ui__result-link").first.wait_for()
        _shot(page, "phone_" + _shot_name(path))
    finally:
        context.close()


def test_a_study_page_prints_cleanly(browser, site_url):
    """In print the navigation, cite links and downloads go; the study and its scores stay."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + "studies/kogan2016/index.html")
        page.emulate_media(media="print")
        assert not page.locator("header.site nav").is_visible()
        assert not page.locator("section.cite").is_visible()
        assert page.locator("h1").is_visible() and page.locator("svg.chart").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = page.pdf(path=str(ARTIFACTS / "study.pdf"), format="A4")
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        assert pdf.startswith(b"%PDF") and 1 <= pages <= 3, pages  # one study fits on a page or two
    finally:
        context.close()


def test_a_country_page_folds_the_indicators_under_each_score_and_prints_them(page, site_url):
    """On screen a strand's indicators open from its summary; in print they show unasked."""
    page.goto(site_url + "countries/se/index.html")
    table = page.locator("#indicators-family_reunion table")
    summary = page.locator("#indicators-family_reunion summary")
    assert summary.inner_text() == "Family reunification (88 in 2019): 2 indicators"
    assert not table.is_visible()
    summary.click()
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert [cell.strip() for cell in rows.nth(1).inner_text().split("\t")] == [
        "a2 Pre-entry or immediately post-entry integration requirement, in its language form",
        "2019",
        "75",
        "+25 since 2014",
    ]
    summary.click()
    page.emulate_media(media="print")
    assert table.is_visible()  # folded on screen, printed all the same
    assert page.errors == []


LONG_WORDS = r"""
@article{dunwald1933,
  author = {Dünwald, H. and Wagner, Carl},
  title = {Untersuchungen über Fehlordnungserscheinungen in Kupferoxydul},
  journal = {Zeitschrift für physikalische Chemie}, year = {1933},
  doi = {10.1515/zpch-1933-2324-0123456789abcdefghijklmnopqrstuvwxyz}
}
"""


def test_a_study_with_long_words_fits_a_phone(browser, tmp_path):
    """A German compound in a title, or a long DOI, breaks rather than widen the page (seen on
    entries of the real corpus)."""
    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "s.bib", LONG_WORDS)])
    include_all(library)
    library.build()
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # bypass: to measure with a script
    try:
        for url in _served(library.paths.root / "site"):
            page = context.new_page()
            page.goto(url + "studies/dunwald1933/index.html")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


#: Studies about nature written for the ranking test: each says "natural" often, the word
#: English stemming confuses with "naturalization" (and "nationalities" with "national").
NATURE = "".join(
    f"@article{{forest{n}, title = {{Natural and naturally regenerated stands in natural forest {n}}},"
    f" year = {{2001}}, author = {{Tree, Ann}}, journal = {{Forest Ecology}}}}\n"
    for n in range(12)
)
#: Queries the project wrote for the real titles of the example library (bib/): each word is
#: in the title of at least one of its studies.
RANKED_QUERIES = ["naturalization", "citizenship", "refugees", "asylum", "attitudes", "health", "prenatal", "voter"]


def _ranked_titles(page, base: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(f"{base}search/index.html?q={query}")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    return page.locator(".pagefind-ui__result-link").all_inner_texts()


def test_the_studies_whose_title_holds_the_query_word_take_the_top_three_places(browser, tmp_path):
    """The real titles of the example library, among studies of natural forests: stemming
    made "naturalization" and "natural" one word and ranked the forests first."""
    library = Library(tmp_path / "library")
    shutil.copytree(Path(__file__).resolve().parents[1] / "bib", library.paths.root / "bib")
    (tmp_path / "nature.bib").write_text(NATURE)
    library.import_files([tmp_path / "nature.bib"])
    library.build()
    titles = [str(view.fields.get("title", "")) for view in library.views()]
    context = browser.new_context()
    page = context.new_page()
    try:
        for served in _served(library.paths.root / "site"):
            for query in RANKED_QUERIES:
                holds = re.compile(rf"\b{query}", re.IGNORECASE)
                expected = min(3, sum(bool(holds.search(title)) for title in titles))
                top = _ranked_titles(page, served, query)[:expected]
                # every one of the first places goes to a title with the word, before any namesake
                assert expected and all(holds.search(title) for title in top), (query, top)
    finally:
        context.close()


def test_the_search_page_opened_from_disk_says_how_to_serve_the_site(page, tmp_path):
    """From file:// the browser refuses to load the index: the page says so, and how to
    serve the site, instead of "Searching..." for ever."""
    library = Library(tmp_path / "library")
    library.import_files([_written(tmp_path / "s.bib", STUDIES)])
    include_all(library)
    library.build()
    page.goto((library.paths.root / "site" / "search" / "index.html").as_uri())
    note = page.locator("#search-from-disk")
    playwright.expect(note).to_be_visible()
    assert "mipex-tracker serve" in note.inner_text()
    assert not page.locator("#search").is_visible()
