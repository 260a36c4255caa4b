"""The static site: pages from the library, deterministic, rewriting only what changed,
and harmless whatever the BibTeX holds (a hostile file of the project's own)."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.conftest import include_all
from tracker.library import Library, LibraryError
from tracker.publish.charts import Series, line_chart
from tracker.publish.search_pack import START_PACK, read_start_pack, start_files
from tracker.safety import doi_url, safe_url, slug

STUDY = r"""
@article{kogan2016,
  author = {Kogan, Irena and Shen, Jing},
  title = {Integration policies and the life satisfaction of immigrants in Sweden},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016}, volume = {42}, number = {11},
  pages = {1783--1809}, doi = {10.1080/1369183X.2016.1152174}, url = {https://example.org/kogan}
}
"""
SCORES = "country,area,year,score,edition,source\n" + "".join(
    f"SE,{area},{year},{value},test edition,test data written by the project\n"
    for area, values in {"overall": (85, 86), "labour_market": (90, 91)}.items()
    for year, value in zip((2014, 2019), values, strict=True)
)
HOSTILE = (
    r"""
@article{../../escape,
  title = {<script>alert(1)</script><img src=x onerror=alert(2)>},
  author = {"><svg onload=alert(3)>, Mallory},
  journal = {</title><script>alert(4)</script>}, year = {2020},
  url = {javascript:alert(5)}, doi = {javascript:alert(6)},
  abstract = {<iframe src="https://evil.example"></iframe>}
}
@misc{data-url, title = {A data URL}, url = {data:text/html,<script>alert(7)</script>}, year = {2021}}
@misc{huge, title = {"""
    + "A" * 200_000
    + r"""}, year = {2022}}
"""
)


def _library(tmp_path: Path, write, text: str) -> Library:  # type: ignore[no-untyped-def]
    """A library of the studies in `text`, each screened in by the curator (only studies
    that use MIPEX are published), tagged, beside test scores."""
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", text)])
    library.import_scores(write("scores.csv", SCORES))
    include_all(library)
    library.tag()
    return library


def test_a_study_page_has_its_facts_its_scores_and_cite_files(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    report = library.build()
    site = library.paths.root / "site"
    assert report.pages >= 5
    page = (site / "studies" / "kogan2016" / "index.html").read_text()
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert 'http-equiv="Content-Security-Policy"' in page
    assert (
        '<meta name="citation_title" content="Integration policies and the life satisfaction of immigrants in Sweden">'
        in page
    )
    assert '<meta name="citation_author" content="Kogan, Irena">' in page
    assert (
        '<meta name="citation_firstpage" content="1783">' in page
        and '<meta name="citation_lastpage" content="1809">' in page
    )
    assert 'href="https://doi.org/10.1080/1369183X.2016.1152174"' in page
    assert '"@type":"ScholarlyArticle"' in page
    assert '<svg class="chart" role="img"' in page and "<desc>" in page  # the chart says what it shows
    assert "<caption>The scores in the chart</caption>" in page  # and its figures stand in a table
    assert 'href="../../countries/se/index.html"' in page
    assert (site / "studies" / "kogan2016" / "kogan2016.bib").read_text().startswith("@article{kogan2016,")
    country = (site / "countries" / "se" / "index.html").read_text()
    assert "MIPEX scores by policy area" in country and "kogan2016" in country


def test_building_twice_gives_the_same_bytes_and_writes_only_what_changed(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    site = library.paths.root / "site"
    first = library.build()
    snapshot = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = library.build()
    assert again.written == 0 and again.unchanged == first.written
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == snapshot
    library.edit("kogan2016", {"title": "Integration policies and life satisfaction in Sweden"})
    changed = library.build()
    assert 0 < changed.written < first.written  # the study's page and lists, not every page
    (site / "stale.html").write_text("left over")
    assert library.build().removed == 1 and not (site / "stale.html").exists()


def test_a_build_removes_what_it_did_not_write_and_the_folders_left_empty(tmp_path):
    from tracker.publish.output import Output

    site = tmp_path / "site"
    for stale in ("studies/gone/index.html", "studies/gone/cite/study.bib", "old/deep/er/file.txt", "loose.txt"):
        (site / stale).parent.mkdir(parents=True, exist_ok=True)
        (site / stale).write_text("from an earlier build")
    (site / "pagefind" / "0").mkdir(parents=True)
    (site / "pagefind" / "0" / "index.pf").write_text("another writer's")  # a folder kept whole
    (site / "empty" / "nested").mkdir(parents=True)
    output = Output(site)
    output.write("studies/kept/index.html", "<p>kept</p>")
    output.write("old/deep/note.txt", "kept beside stale siblings")
    assert output.remove_the_rest("studies") == 2 and not (site / "studies" / "gone").exists()
    assert (site / "loose.txt").exists()  # outside the folder asked for
    assert output.remove_the_rest(keep=("pagefind",)) == 2
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "old",
        "old/deep",
        "old/deep/note.txt",
        "pagefind",
        "pagefind/0",
        "pagefind/0/index.pf",
        "studies",
        "studies/kept",
        "studies/kept/index.html",
    ]
    assert output.report.removed == 4


def test_hostile_bibtex_becomes_harmless_pages_inside_site(tmp_path, write):
    library = _library(tmp_path, write, HOSTILE)
    library.build()
    site = (library.paths.root / "site").resolve()
    files = [
        p for p in library.paths.root.rglob("*") if p.is_file() and ".tracker" not in p.parts and "bib" not in p.parts
    ]
    assert all(p.resolve().is_relative_to(site) for p in files), "a key made a path outside site/"
    for path in site.rglob("*.html"):
        text = path.read_text()
        scripts = re.findall(r"<script[^>]*>", text)
        own = re.compile(
            r'<script src="(\.\./)*(pagefind/\d+/pagefind-ui|assets/[a-z]+)\.js"( defer| data-engine="[./a-z]+")?>'
        )
        assert all(s == '<script type="application/ld+json">' or own.fullmatch(s) for s in scripts), (path, scripts)
        assert not re.search(r"<(img|svg|iframe)[^>]*\son\w+=", text, re.IGNORECASE), path
        assert "<iframe" not in text
        assert not re.search(r"""<a\s[^>]*href=["']\s*(javascript|data):""", text, re.IGNORECASE), path
    ld = (site / "studies" / slug("../../escape") / "index.html").read_text()
    assert "\\u003cscript\\u003ealert(1)" in ld  # the title, inert inside the JSON-LD block


def test_only_http_links_and_dois_become_links_and_keys_become_safe_slugs():
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.org", "http://", 'https://a.org/" onclick=x'):
        assert safe_url(bad) is None, bad
    assert doi_url("10.1080/1369183X.2016.1152174") == "https://doi.org/10.1080/1369183X.2016.1152174"
    assert doi_url("javascript:alert(1)") is None
    assert slug("kogan2016") == "kogan2016"
    assert slug("Roach2019443") == "Roach2019443"  # a key's case is kept, never hashed
    assert slug("2019-19018-006") == "2019-19018-006"
    assert re.fullmatch(r"[a-z0-9-]+", slug("../../etc/passwd"))
    assert slug("Kogan2016") != slug("kogan2016")  # two keys never share a page
    assert slug("smith 2020") != slug("smith-2020")
    assert slug(slug("smith 2020")) != slug("smith 2020")  # not even a key shaped like another's slug


def test_area_pages_and_the_evidence_map_link_to_their_studies(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.build()
    site = library.paths.root / "site"
    area = (site / "areas" / "overall" / "index.html").read_text()
    assert '<svg class="chart bars" role="img"' in area and "Sweden" in area and "kogan2016" in area
    evidence = (site / "map" / "index.html").read_text()
    cell = re.search(r'<td data-area="overall" data-outcome="wellbeing">(.*?)</td>', evidence).group(1)
    assert cell.startswith('<a class="cell" href="overall/wellbeing/index.html">')  # the study's cell, linked
    assert '<circle cx="20" cy="20" r="17.0"/>' in cell and '<span class="n">1</span>' in cell  # its bubble
    gaps = evidence.count('<circle class="ring"')
    assert gaps == 9 * 14 - 1 + 1  # every other outcome cell is marked as a gap (and the legend shows one)
    assert evidence.count('<span class="visually-hidden">no studies</span>') == 9 * 15 - 1  # said, not only drawn
    assert 'data-outcome="none" data-label="No outcome measured"' in evidence  # no outcome: a column apart
    assert "a gap: no study yet" in evidence and "1 study" in evidence  # the legend
    assert not (site / "map" / "se").exists()  # a country's map is this one, filtered: ?country=SE
    assert '<script src="../assets/map.js" defer>' in evidence
    catalogue = (site / "assets" / "catalogue.js").read_text()
    data = json.loads(catalogue.removeprefix("window.MIPEX_CATALOGUE = ").removesuffix(";\n"))
    (study,) = data["studies"]
    columns = dict(zip(data["columns"], study, strict=True))
    assert columns["slug"] == "kogan2016" and columns["year"] == "2016"
    assert [data["codes"]["country"][i] for i in columns["country"]] == ["SE"]
    listed = (site / "map" / "overall" / "wellbeing" / "index.html").read_text()
    assert 'href="../../../studies/kogan2016/index.html"' in listed
    sweden = (site / "countries" / "se" / "index.html").read_text()
    assert 'href="../../map/index.html?country=SE">Sweden on the evidence map</a>' in sweden


def test_the_studies_that_measure_no_outcome_do_not_shrink_the_other_bubbles():
    from tracker.publish.bubbles import BubbleScale

    scale = BubbleScale(most=4)
    assert scale.radius(0) == 0 and scale.radius(4) == scale.largest
    assert scale.radius(1) == round(scale.smallest + (scale.largest - scale.smallest) * 0.5, 1)  # area, not radius
    assert scale.radius(1000) == scale.largest  # a no-outcome count beyond the scale is capped, not the scale
    assert [count for count, _ in scale.legend()] == [1, 4]


def test_downloads_feeds_and_sitemap(tmp_path, write):
    import xml.etree.ElementTree as ET

    library = _library(tmp_path, write, STUDY)
    site = library.paths.root / "site"
    library.build()
    assert not (site / "sitemap.xml").exists()  # absolute URLs need the site's address
    assert (site / "downloads" / "library.bib").read_text().startswith("@article{kogan2016,")
    assert not (site / "downloads" / "areas").exists()  # a slice is not written again (its studies' cite files are)
    library.build(base_url="https://example.org/mipex")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feeds" / "studies.atom.xml").getroot()
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}link").get("href") == "https://example.org/mipex/studies/kogan2016/index.html"
    assert entry.find(f"{atom}updated").text.endswith("Z")
    assert ET.parse(site / "feeds" / "areas" / "overall.atom.xml").getroot().find(f"{atom}entry") is not None
    locations = [
        e.text
        for e in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "https://example.org/mipex/studies/kogan2016/index.html" in locations
    again = Library(tmp_path / "again")
    again.import_files([site / "downloads" / "library.bib"])  # the download is a library of its own
    assert [v.key for v in again.views()] == ["kogan2016"]


def test_a_large_library_downloads_zipped_each_link_saying_its_format_and_size(tmp_path, write, monkeypatch):
    import zipfile

    from tracker.publish import downloads

    library = _library(tmp_path, write, STUDY + SECOND)
    site = library.paths.root / "site"
    library.build()
    home = _page_text(site / "index.html")
    assert re.search(r"BibTeX \(\d kB\) · RIS \(\d kB\) · CSL-JSON \(\d kB\) · CSV \(\d kB\)", home)  # small: plain
    bib = (site / "downloads" / "library.bib").read_text()
    monkeypatch.setattr(downloads, "ZIP_ABOVE", 100)  # as if the library were thousands of studies
    library.build()
    assert not (site / "downloads" / "library.bib").exists()  # what it was, no longer beside the zip
    with zipfile.ZipFile(site / "downloads" / "library.bib.zip") as archive:
        assert archive.namelist() == ["library.bib"] and archive.read("library.bib").decode() == bib
    for page in ("index.html", "studies/index.html", "about/index.html", "countries/de/index.html"):
        text = (site / page).read_text()
        assert re.search(r'downloads/library\.bib\.zip" download>BibTeX</a> <span class="size">\(zip, \d kB\)', text), (
            page
        )
        assert 'downloads/library.bib"' not in text, page
    assert sorted(p.name for p in (site / "downloads").iterdir()) == [
        "library.bib.zip",
        "library.csv.zip",
        "library.json.zip",
        "library.ris.zip",
        "mipex.dbx",
    ]
    zipped = site / "downloads" / "library.bib.zip"
    made = zipped.stat().st_mtime_ns
    report = library.build()
    assert zipped.stat().st_mtime_ns == made and report.written == 0  # unchanged: no zip made again
    again = Library(tmp_path / "again")
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(tmp_path / "unzipped")
    again.import_files([tmp_path / "unzipped" / "library.bib"])
    assert sorted(v.key for v in again.views()) == sorted(v.key for v in library.views())


def test_the_preview_server_serves_the_built_site(tmp_path, write):
    import threading
    import urllib.request

    from tracker.publish.serve import preview_server

    library = _library(tmp_path, write, STUDY)
    library.build()
    server = preview_server(library.paths.root / "site", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/studies/kogan2016/index.html"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"citation_title" in response.read()
        base = f"http://127.0.0.1:{server.server_address[1]}/downloads/library"
        for suffix, kind in ((".ris", "application/x-research-info-systems"), (".bib", "application/x-bibtex")):
            with urllib.request.urlopen(base + suffix, timeout=10) as response:  # as Zotero's connector wants
                assert response.headers["Content-Type"].startswith(kind)
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_built_site_is_one_line(cli, write):
    cli("import", str(write("a.bib", STUDY)))
    result = cli("serve")
    assert result.exit_code != 0 and "run `mipex-tracker build` first" in result.output


def test_the_words_every_part_carries_are_read_as_pagefind_reads_the_page():
    from tracker.publish.search import indexed_words, searchable

    page = (
        "<nav>Home</nav><article data-pagefind-body><h1>Life in Sweden</h1>"
        "<p>multi<i>level</i> models &amp; <b>Ausländer</b>behörde</p><p>Vol. 10(3): 510&ndash;518, 2019.</p>"
        "</article><footer>Footer</footer>"
    )
    words = indexed_words(page)
    assert {"life", "in", "sweden", "multilevel", "&", "ausländerbehörde", "2019."} <= words  # inline tags join
    assert not words & {"home", "footer", "multi", "level"}  # outside the body; split at inline tags
    assert searchable(words | {"Health"}) == {
        "life", "in", "sweden", "multilevel", "models", "ausländerbehörde", "vol", "2019", "health",
    }  # fmt: skip


def test_search_indexes_the_study_pages_with_their_filters(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    report = library.build()
    site = library.paths.root / "site"
    assert report.search.startswith("search index built")
    entry = (site / "pagefind" / "0" / "pagefind-entry.json").read_text()
    assert '"page_count":2' in entry  # the study page and the words page: lists and maps are not results
    page = (site / "studies" / "kogan2016" / "index.html").read_text()
    assert "data-pagefind-body" in page
    assert 'data-pagefind-filter="country">Sweden</a>' in page
    assert '<span data-pagefind-filter="year:2016"></span>' in page  # a filter, not text of the page
    search = (site / "search" / "index.html").read_text()
    assert 'src="../pagefind/0/pagefind-ui.js"' in search and 'src="../assets/search.js"' in search
    assert (site / "search" / "engine" / "pagefind.js").exists()  # what merges the index's parts
    assert "<script>" not in search  # no inline script: the CSP holds
    assert library.build().search == "search index unchanged (no study page changed)"
    (library.paths.root / "bib" / "site.toml").write_text('notice = "A banner on every page."\n')
    assert library.build().search.startswith("search index built")  # the study pages changed too
    library.change_tags("kogan2016", ["+area:health"])
    assert library.build().search.startswith("search index built")


def test_a_country_page_ranks_the_country_and_groups_its_studies(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.build()
    page = (library.paths.root / "site" / "countries" / "se" / "index.html").read_text()
    assert "Rank 1 of 1 countries by the latest overall MIPEX score." in page
    assert "<h3>By policy area</h3>" in page and "<h3>By outcome</h3>" in page
    assert '<li>Well-being <span class="count">1</span></li>' in page
    assert "<p>1 study:</p>" in page and 'href="studies/index.html">All studies about Sweden (1) →' in page
    listed = (library.paths.root / "site" / "countries" / "se" / "studies" / "index.html").read_text()
    assert 'href="../../../studies/kogan2016/index.html"' in listed


def test_a_country_page_draws_each_areas_scores_in_a_small_chart_of_its_own(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.build()
    page = (library.paths.root / "site" / "countries" / "se" / "index.html").read_text()
    captions = re.findall(r"<figcaption>([^<]+) <span", page)
    assert captions == ["Integration policy as a whole", "Labour market mobility"]  # the whole first
    assert "<title>Labour market mobility in Sweden</title>" in page
    assert "<desc>Labour market mobility: 90 in 2014, 91 in 2019." in page  # each chart in words
    text = _page_text(library.paths.root / "site" / "countries" / "se" / "index.html")
    assert "Labour market mobility 2019 91 favourable 91 (+0) +1 since 2014" in text  # and in the table beside them


def test_a_country_is_set_beside_the_average_of_the_countries_scored_that_year_in_mipex_colours(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    scores = "country,area,year,score,edition,source\n" + "".join(
        f"{country},labour_market,{year},{value},test edition,test data written by the project\n"
        for country, values in {"DE": (30, 50), "FR": (70, 71)}.items()
        for year, value in zip((2014, 2019), values, strict=True)
    )
    library.import_scores(write("more.csv", scores))
    library.build()
    page = (library.paths.root / "site" / "countries" / "se" / "index.html").read_text()
    # Sweden 90 and 91; the average of SE, DE and FR: 63.3 in 2014, 70.7 in 2019
    said = "Labour market mobility: 90 in 2014, 91 in 2019. The average of the countries scored: 63 in 2014, 71 in 2019"
    assert said in page
    assert '<polyline class="average"' in page and "the average of the countries MIPEX scored that year" in page
    text = _page_text(library.paths.root / "site" / "countries" / "se" / "index.html")
    assert "Labour market mobility 2019 91 favourable 71 (+20)" in text
    germany = (library.paths.root / "site" / "countries" / "de" / "index.html").read_text()
    assert 'class="band-halfway latest-dot"' in germany  # 50: halfway favourable, the colour of its band
    assert "Halfway favourable" in germany and 'aria-label="MIPEX score bands"' in germany  # with its legend
    area = (library.paths.root / "site" / "areas" / "labour_market" / "index.html").read_text()
    assert '<rect class="band-favourable"' in area and '<rect class="band-halfway"' in area  # bars in band colours


INDICATORS = (
    "country,area,year,score,edition,level,place,indicator,title,source\n"
    "SE,family_reunion,2014,60,test edition,national,,,,test data written by the project\n"
    "SE,family_reunion,2019,62,test edition,national,,,,test data written by the project\n"
    "SE,family_reunion,2014,50,test edition,national,,a10,Accommodation,test data written by the project\n"
    "SE,family_reunion,2019,75,test edition,national,,a10,Accommodation,test data written by the project\n"
    "SE,family_reunion,2019,100,test edition,national,,a2,Residence period,test data written by the project\n"
    "SE,family_reunion,2019,13,test edition,regional,Stockholm,a2,Residence period,test data written by the project\n"
    "SE,labour_market,2014,40,test edition,national,,a9,Unchanged access,test data written by the project\n"
    "SE,labour_market,2019,40,test edition,national,,a9,Unchanged access,test data written by the project\n"
    "DK,overall,2019,50,test edition,national,,,,test data written by the project\n"
)


def test_a_country_page_shows_the_indicators_under_each_strand_score(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.import_scores(write("indicators.csv", INDICATORS))
    library.build()
    site = library.paths.root / "site"
    page = _page_text(site / "countries" / "se" / "index.html")
    assert "What lies under each score" in page
    assert "Family reunification (62 in 2019): 2 indicators" in page
    assert "Labour market mobility (91 in 2019): 1 indicator " in page
    family = page.split("Indicators of family reunification in Sweden")[1].split("Labour market mobility")[0]
    # MPG's order (a2 before a10), the latest score, and the change since it was first scored:
    assert family.index("a2 Residence period") < family.index("a10 Accommodation")
    assert "a2 Residence period 2019 100 scored once" in family
    assert "a10 Accommodation 2019 75 +25 since 2014" in family
    assert "a9 Unchanged access 2019 40 unchanged since 2014" in page
    assert " 13 " not in family  # a regional score is not the country's
    assert "What lies under each score" not in _page_text(site / "countries" / "dk" / "index.html")
    about = _page_text(site / "about" / "index.html")
    assert "test data written by the project test edition 2014–2019 2 7 (and 5 indicator scores)" in about


def test_a_study_of_many_countries_shows_each_areas_countries_as_bars_not_a_tangle_of_lines(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    others = {"DE": 50, "FR": 55, "NL": 60, "DK": 45, "FI": 70, "PT": 80}
    rows = "".join(
        f"{code},{area},2014,{value + shift},test edition\n"
        for code, value in others.items()
        for area, shift in (("overall", 0), ("labour_market", 5))
    )
    library.import_scores(write("more.csv", "country,area,year,score,edition\n" + rows))
    library.change_tags("kogan2016", [f"+country:{code}" for code in others] + ["+area:labour_market"])
    library.build()
    page = (library.paths.root / "site" / "studies" / "kogan2016" / "index.html").read_text()
    assert "<polyline" not in page  # 14 lines (7 countries, 2 areas) would hide each other
    assert page.index("<h3>Integration policy as a whole</h3>") < page.index("<h3>Labour market mobility</h3>")
    assert page.count('<svg class="chart bars" role="img"') == 2
    overall = page.split("<h3>Integration policy as a whole</h3>")[1].split("</svg>")[0]
    assert "<desc>Sweden 86; Portugal 80 (2014); Finland 70 (2014)" in overall  # best first, older years noted
    assert "<summary>The scores by year, as a table</summary>" in page  # 14 rows: folded under the bars


def test_the_countries_and_areas_have_index_pages_reached_from_every_page(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.import_scores(write("dk.csv", "country,area,year,score,edition\nDK,overall,2024,50,test edition\n"))
    library.build()
    site = library.paths.root / "site"
    countries = _page_text(site / "countries" / "index.html")
    # by name, each with its latest overall score and year, its rank by that score, its studies:
    assert "Denmark 50 in 2024 2 of 2 0 Sweden 86 in 2019 1 of 2 1" in countries
    assert '<a href="dk/index.html">Denmark</a>' in (site / "countries" / "index.html").read_text()
    areas = _page_text(site / "areas" / "index.html")
    assert "Integration policy as a whole 1 2 68 Labour market mobility 0 1 91 Family reunification 0 0" in areas
    for page in ("index.html", "studies/kogan2016/index.html", "map/index.html"):
        text = (site / page).read_text()
        root = "../" * page.count("/")
        assert f'<a href="{root}countries/index.html">Countries</a>' in text
        assert f'<a href="{root}areas/index.html">Policy areas</a>' in text
    home = (site / "index.html").read_text()
    assert home.index(">Denmark</a>") < home.index(">Sweden</a>")  # by name, not by code
    assert (
        "They study 1 of the 2 countries MIPEX scores, in 1 of its 9 policy areas (eight strands and the whole), "
        "and measure 1 kind of outcome" in _page_text(site / "index.html")
    )


def test_a_study_with_only_a_title_has_no_empty_byline_or_links(tmp_path, write):
    library = _library(tmp_path, write, "@misc{bare, title = {Only a title}}\n")
    library.build()
    page = (library.paths.root / "site" / "studies" / "bare" / "index.html").read_text()
    assert "<h1>Only a title</h1>" in page
    assert 'class="byline"' not in page and 'class="links"' not in page
    doi = "@misc{doi, title = {A DOI}, doi = {10.1/x}, url = {https://doi.org/10.1/x}}\n"
    library.import_files([write("doi.bib", doi)])
    include_all(library)
    library.build()
    page = (library.paths.root / "site" / "studies" / "doi" / "index.html").read_text()
    assert page.count('href="https://doi.org/10.1/x"') == 1  # a URL that is the DOI's is not a second link


def test_an_area_page_notes_the_year_of_a_score_older_than_the_others(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    library.import_scores(write("dk.csv", "country,area,year,score,edition\nDK,overall,2024,50,test edition\n"))
    library.build()
    page = (library.paths.root / "site" / "areas" / "overall" / "index.html").read_text()
    assert "<p>Scores from 2024, or, in brackets, the year a country was last scored.</p>" in page
    assert '>86<tspan class="note"> (2019)</tspan></text>' in page  # Sweden's latest is from 2019
    assert ">50</text>" in page  # Denmark's is from 2024
    assert "<desc>Sweden 86 (2019); Denmark 50</desc>" in page
    assert '<details class="as-table"><summary>The scores as a table</summary>' in page


SECOND = r"""
@article{weber2019,
  author = {Weber, Anna}, year = {2019},
  title = {Access to health care for immigrants in Germany: MIPEX health strand and self-rated health},
  abstract = {We use the MIPEX health strand to explain self-rated health of immigrants in Germany.},
  journal = {Social Science and Medicine}
}
"""


def _page_text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def test_the_study_list_narrows_by_every_facet_with_counts_and_zotero_saves_a_page_without_javascript(tmp_path, write):
    library = _library(tmp_path, write, STUDY + SECOND)
    site = library.paths.root / "site"
    library.build()
    listing = (site / "studies" / "index.html").read_text()
    facets = listing.split('<nav class="facets"')[1].split("</nav>")[0]
    for heading in ("Policy area", "Country", "Outcome", "Use of MIPEX", "Year"):
        assert f"<h2>{heading}</h2>" in facets
    assert '<a href="../countries/se/index.html">Sweden</a> <span class="count">1</span>' in facets
    assert '<a href="../countries/de/index.html">Germany</a> <span class="count">1</span>' in facets
    assert '<a href="../years/2019/index.html">2019</a> <span class="count">1</span>' in facets
    scripts = re.findall(r"<script[^>]*>", listing)
    assert scripts == ['<script src="../assets/lists.js" defer>']  # it narrows by plain links; the script only sorts
    health = _page_text(site / "outcomes" / "health" / "index.html")
    assert "Outcome: Health" in health and "Access to health care" in health and "life satisfaction" not in health
    year = _page_text(site / "years" / "2016" / "index.html")
    assert "life satisfaction" in year and "Access to health care" not in year
    assert (site / "uses").is_dir() and any((site / "uses").iterdir())
    health_list = (site / "outcomes" / "health" / "index.html").read_text()
    spans = re.findall(r'<span class="Z3988" title="([^"]+)"></span>', health_list)
    (kev,) = [parse_qs(html.unescape(span)) for span in spans]  # COinS: Zotero's "save all" on any list page
    assert kev["rft.atitle"] == [
        "Access to health care for immigrants in Germany: MIPEX health strand and self-rated health"
    ]
    assert kev["rft.jtitle"] == ["Social Science and Medicine"] and kev["rft.au"] == ["Weber, Anna"]
    assert kev["rft.genre"] == ["article"] and kev["rft.date"] == ["2019"]
    assert 'href="../../downloads/library.ris"' in (site / "countries" / "de" / "index.html").read_text()


def test_the_about_page_names_the_score_sources_and_the_library_labels_itself(tmp_path, write):
    library = _library(tmp_path, write, STUDY)
    site = library.paths.root / "site"
    (library.paths.root / "bib" / "site.toml").write_text('notice = "An example library: replace it with yours."\n')
    library.build()
    about = _page_text(site / "about" / "index.html")
    assert "test data written by the project" in about  # the source named in the score rows
    assert "test edition" in about and "2014–2019" in about
    for page in ("index.html", "studies/kogan2016/index.html", "map/index.html"):
        assert "An example library: replace it with yours." in _page_text(site / page)
    assert "about/index.html" in (site / "index.html").read_text()


def test_a_broken_site_settings_file_is_one_line_naming_it(cli, write):
    cli("import", str(write("studies.bib", STUDY)))
    settings = cli.library_dir / "bib" / "site.toml"
    for text, expected in (("notice = ", "site.toml"), ('colour = "red"\n', "unknown setting 'colour'")):
        settings.write_text(text)
        result = cli("build")
        assert result.exit_code == 1 and expected in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert not (cli.library_dir / "site").exists()


def test_a_mistake_in_a_librarys_own_template_is_one_line_naming_its_file_and_line(cli, write):
    cli("import", str(write("studies.bib", STUDY)))
    templates = cli.library_dir / "templates"
    templates.mkdir()
    for text, expected in (
        ('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n', "404.html:3:"),
        ('{% extends "base.html" %}\n{% block main %}\n{{ nothing.here() }}\n{% endblock %}\n', "404.html:3:"),
    ):
        (templates / "404.html").write_text(text)
        result = cli("build")
        assert result.exit_code == 1 and expected in result.output, result.output
        assert "Traceback" not in result.output


def test_a_large_library_rendered_on_every_core_gives_the_same_site_as_one_core(tmp_path, write, monkeypatch):
    from tracker.publish import parallel
    from tracker.synthetic import bibtex_library

    library = Library(tmp_path / "library")
    library.import_files([write("many.bib", bibtex_library(parallel.PARALLEL_FROM + 50))])
    library.tag()
    shared = library.build(out=tmp_path / "shared")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    alone = library.build(out=tmp_path / "alone")
    assert (shared.pages, shared.written) == (alone.pages, alone.written)

    def pages(site: Path) -> list[Path]:  # Pagefind's own index is not ours to compare
        return sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts)

    assert pages(tmp_path / "alone") == pages(tmp_path / "shared")
    for name in pages(tmp_path / "alone"):
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "shared" / name).read_bytes(), name
    again = library.build(out=tmp_path / "shared")
    assert again.written == 0 and again.unchanged == shared.written


def test_a_changed_study_reindexes_only_its_part_of_the_search_index(tmp_path, write, monkeypatch):
    from tracker.publish import search
    from tracker.synthetic import bibtex_library

    monkeypatch.setattr(search, "PAGES_PER_PART", 3)  # 24 studies in 8 parts, as 2,000 would be

    monkeypatch.setattr(search, "ONE_INDEX_UP_TO", 0)
    library = Library(tmp_path / "library")
    library.import_files([write("many.bib", bibtex_library(24))])
    include_all(library)
    library.tag()
    report = library.build()
    index = library.paths.root / "site" / "pagefind"
    parts = json.loads((index / "parts.json").read_text())["parts"]
    assert report.search.startswith("search index built") and report.search.endswith(f"({len(parts)} parts)")
    assert len(parts) > 4 and sorted(p.name for p in index.iterdir()) == sorted([*parts, "parts.json"])
    counts = [json.loads((index / name / "pagefind-entry.json").read_text()) for name in parts]
    indexed = sum(entry["languages"][search.NO_STEMMING]["page_count"] for entry in counts)
    assert indexed == 24 + len(parts)  # each study once, and a words page in each part
    assert not any((index / name / unused).exists() for name in parts for unused in search.UNUSED_BUNDLE_FILES)
    first = str(min(int(name) for name in parts))  # whose copy of Pagefind's UI the search page loads
    assert sorted(p.parent.name for p in index.glob("*/pagefind-ui.js")) == [first]
    assert f"pagefind/{first}/pagefind-ui.js" in (library.paths.root / "site" / "search" / "index.html").read_text()
    for name in parts:  # what the search page fetches from a part before any query, in one file
        packed = read_start_pack((index / name / START_PACK).read_bytes())
        assert {"pagefind-entry.json", "filter"} <= {path.split("/")[0] for path in packed}
        assert packed == {
            path.relative_to(index / name).as_posix(): path.read_bytes() for path in start_files(index / name)
        }
        filters = sorted(f"filter/{chunk.name}" for chunk in (index / name / "filter").iterdir())
        assert filters and [path for path in packed if path.startswith("filter/")] == filters  # every facet's
    (words_page,) = json.loads((index / "parts.json").read_text())["wordsPages"]  # so the search page need not look
    for name in parts:
        fragment = gzip.decompress((index / name / "fragment" / f"{words_page}.pf_fragment").read_bytes())
        assert b'"url":"/pagefind/.words/index.html"' in fragment

    def entries() -> dict[str, int]:  # a part's index file, by inode: a rebuilt part is a new folder
        return {name: (index / name / "pagefind-entry.json").stat().st_ino for name in parts}

    before = entries()
    (index / next(iter(parts)) / START_PACK).unlink()  # a part built before the packs: given one
    (index / "pagefind-entry.json").write_text("{}")  # the single index of earlier versions
    (index / "99").mkdir()  # a part of a larger plan
    views = sorted(library.views(), key=lambda view: view.key)
    changed = next(view.key for view in views if "health" not in view.tags.get("area", {}))
    holding = {part.name for part in search.plan_parts(slug(v.key) for v in views) if slug(changed) in part.slugs}
    library.change_tags(changed, ["+area:health"])
    again = library.build()
    assert again.search.startswith(f"search index: 1 of {len(parts)} parts rebuilt"), again.search
    assert {name for name, inode in entries().items() if inode != before[name]} == holding
    assert all((index / name / START_PACK).is_file() for name in parts)
    assert sorted(p.name for p in index.iterdir()) == sorted([*parts, "parts.json"])  # leftovers gone
    assert library.build().search == "search index unchanged (no study page changed)"
    for name in search.UI_FILES:  # the first part lost its UI (a plan whose first part emptied)
        (index / first / name).unlink()
    library.build()
    assert sorted(p.parent.name for p in index.glob("*/pagefind-ui.*")) == [first, first]  # built again
    library.import_files([write("new.bib", "@article{quokka2026, title = {Xenial quokkas}, year = {2026}}")])
    include_all(library)
    newer = library.build()  # a word no part had: every part must know it
    assert newer.search.startswith("search index built") and newer.search.endswith(
        f"({len(parts)} parts; the studies have new words, which every part carries)"
    ), newer.search

    monkeypatch.setattr(search, "PAGES_PER_PART", 100)  # fewer, larger parts: all rebuilt

    monkeypatch.setattr(search, "ONE_INDEX_UP_TO", 0)
    assert library.build().search.startswith("search index built") and sorted(p.name for p in index.iterdir()) == [
        "0",
        "parts.json",
    ]


def test_the_words_pages_ids_are_read_from_each_parts_largest_fragment(tmp_path):
    from tracker.publish import search

    def fragment(part: str, name: str, url: str, size: int) -> None:
        folder = tmp_path / part / "fragment"
        folder.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"url": url, "content": "word " * size}).encode()
        (folder / f"{name}.pf_fragment").write_bytes(gzip.compress(b"pagefind_dcd" + body))

    for part, words_id in (("0", "en_aaa"), ("1", "en_aaa"), ("2", "en_bbb")):  # part 2 kept an older one
        fragment(part, words_id, "/pagefind/.words/index.html", 5000)
        fragment(part, f"en_study{part}", f"/studies/s{part}/index.html", 300)
    assert search.words_page_ids(tmp_path, ["0", "1"]) == ["en_aaa"]
    assert search.words_page_ids(tmp_path, ["0", "1", "2"]) == ["en_aaa", "en_bbb"]
    # The last build's ids are tried first; one that is not a words page is passed over.
    assert search.words_page_ids(tmp_path, ["0", "1", "2"], known=["en_study0", "en_aaa"]) == ["en_aaa", "en_bbb"]
    fragment("3", "en_long", "/studies/long/index.html", 9000)  # an index built without a words page
    fragment("3", "en_words", "/pagefind/.words/index.html", 100)
    assert search.words_page_ids(tmp_path, ["0", "3"]) is None  # the search page then looks for them


def test_a_part_pagefind_fails_on_keeps_its_old_index_says_so_and_is_retried(tmp_path, write, monkeypatch):
    from tracker.publish import search

    library = _library(tmp_path, write, STUDY)
    library.build()
    index = library.paths.root / "site" / "pagefind"
    entry = (index / "0" / "pagefind-entry.json").read_bytes()
    failing = write("pagefind", "#!/bin/sh\necho 'Error: the disk is full' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: failing)  # Pagefind breaking mid-build
    library.change_tags("kogan2016", ["+area:health"])
    report = library.build()
    assert report.search == "search index failed: part 0: Error: the disk is full"
    assert (index / "0" / "pagefind-entry.json").read_bytes() == entry  # the old part still answers
    assert sorted(p.name for p in index.iterdir()) == ["0", "parts.json"]  # no half-built folder left
    monkeypatch.undo()
    assert library.build().search.startswith("search index built")  # retried though no page changed


def test_without_pagefind_the_site_is_built_and_its_search_page_says_so(tmp_path, write, monkeypatch):
    from tracker.publish import search

    monkeypatch.setattr(search, "pagefind_binary", lambda: None)  # as if pagefind[bin] were not installed
    library = _library(tmp_path, write, STUDY)
    report = library.build()
    site = library.paths.root / "site"
    assert report.search == "search index skipped: pagefind is not installed (pip install 'pagefind[bin]')"
    assert "Search is not available in this build" in (site / "search" / "index.html").read_text()
    assert (site / "studies" / "kogan2016" / "index.html").exists() and not (site / "pagefind").exists()


def test_a_chart_over_many_years_labels_each_fifth_year_between_its_ends():
    chart = line_chart("Scores", [Series("Germany: Health", {2007: 40, 2012: 45, 2024: 50})])
    labels = re.findall(r'<text class="tick" x="[\d.]+" y="\d+" text-anchor="middle">(\d+)</text>', chart)
    assert labels == ["2007", "2010", "2015", "2020", "2024"]


def test_a_build_killed_while_indexing_is_indexed_again_by_the_next_build(tmp_path, write, monkeypatch):
    from tracker.publish import search

    library = _library(tmp_path, write, STUDY)
    assert library.build().search.startswith("search index built")
    # the same words in another order: nothing new for the words every part carries
    library.edit("kogan2016", {"title": "Sweden: the life satisfaction of immigrants and integration policies"})

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C once the pages are written, while Pagefind runs

    monkeypatch.setattr(search, "_index_part", interrupted)
    with pytest.raises(KeyboardInterrupt):
        library.build()
    monkeypatch.undo()
    page = (library.paths.root / "site" / "studies" / "kogan2016" / "index.html").read_text()
    assert "Sweden: the life satisfaction" in page  # the page was written before the kill
    again = library.build()  # its pages are as the killed build left them: nothing "changed"
    assert again.search.startswith(("search index built", "search index: 1 of")), again.search
    assert library.build().search == "search index unchanged (no study page changed)"


def test_a_build_tells_its_progress_stage_by_stage_with_counts(tmp_path, write):
    from tracker.synthetic import bibtex_library

    library = Library(tmp_path / "library")
    library.import_files([write("many.bib", bibtex_library(450))])  # enough for the forked workers
    include_all(library)
    seen: list[tuple[str, int, int]] = []
    library.build(progress=lambda stage, done, total: seen.append((stage, done, total)))
    pages = [(done, total) for stage, done, total in seen if stage == "writing study pages"]
    assert len(pages) >= 2 and pages[-1] == (450, 450)  # it moves, and ends at every study
    assert [done for done, _ in pages] == sorted(done for done, _ in pages)
    others = [(done, total) for stage, done, total in seen if stage == "writing the other pages"]
    assert others[-1][0] == others[-1][1] > 3
    assert any(stage == "indexing for search (parts)" for stage, _, _ in seen)
    # what comes before the study pages has its counts too (at 10,000 studies: seconds each)
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages[:5] == [
        "reading the studies",
        "rendering each study's exports",
        "making the library's downloads",
        "writing the list of all studies",
        "writing study pages",
    ]
    assert [(done, total) for stage, done, total in seen if stage == "making the library's downloads"][-1] == (4, 4)
    assert ("reading the studies", 450, 450) in seen and ("rendering each study's exports", 450, 450) in seen
    listed = [(done, total) for stage, done, total in seen if stage == "writing the list of all studies"]
    assert listed[-1] == (9, 9)  # 9 pages of 50


def test_a_study_page_gives_citation_managers_its_month_and_abstract(tmp_path, write):
    study = (
        "@article{novak2022, author = {Novak, Ana}, title = {MIPEX and the wellbeing of migrants}, year = {2022},"
        " month = may, journal = {Comparative Migration Studies},"
        " abstract = {We use MIPEX to explain wellbeing. Inclusive policies go with higher wellbeing.}}\n"
    )
    library = _library(tmp_path, write, study)
    library.build()
    page = (library.paths.root / "site" / "studies" / "novak2022" / "index.html").read_text()
    assert '<meta name="citation_publication_date" content="2022/05">' in page
    assert '<meta name="citation_abstract" content="We use MIPEX to explain wellbeing.' in page
    assert '<meta name="description" content="We use MIPEX to explain wellbeing.' in page


def test_the_home_page_lists_the_latest_additions_by_date_added_and_links_the_latest_digest(tmp_path, write):
    older = r"""
@article{zz2010, title = {An older study of citizenship}, author = {Zed, Z}, year = {2010}, journal = {J}}
@article{aa2020, title = {A newer study of citizenship}, author = {Ay, A}, year = {2020}, journal = {J}}
"""
    library = _library(tmp_path, write, older)
    later = "@article{mm2015, title = {Imported last}, author = {M, M}, year = {2015}, journal = {J}}"
    library.import_files([write("later.bib", later)])
    include_all(library)  # all on one day: the newest publication first
    library.digests.new("2026-11", "November MIPEX in Use")
    for key in ("zz2010", "aa2020", "mm2015"):
        library.digests.write_summary(key, "A summary. Of two sentences.")
    library.digests.publish("2026-11")
    library.build()
    home = (library.paths.root / "site" / "index.html").read_text()
    latest = home[home.index("Latest additions") :]
    order = [latest.index(title) for title in ("A newer study", "Imported last", "An older study")]
    assert order == sorted(order)
    assert re.search(r'added <time datetime="\d{4}-\d\d-\d\d">', latest)
    assert 'Latest digest: <a href="digests/2026-11/index.html">November MIPEX in Use</a>' in home
    assert "November 2026: 3 new studies" in home


def test_feeds_of_a_plain_build_link_where_a_feed_reader_looks_and_site_toml_can_name_the_address(tmp_path, write):
    import xml.etree.ElementTree as ET
    from urllib.parse import urljoin

    library = _library(tmp_path, write, STUDY)
    site = library.paths.root / "site"
    library.build()
    atom = "{http://www.w3.org/2005/Atom}"
    for feed_path in ("feeds/studies.atom.xml", "feeds/areas/overall.atom.xml"):
        entry = ET.parse(site / feed_path).getroot().find(f"{atom}entry")
        # a reader resolves the link against the feed's own address: it must land on the study's page
        served = urljoin(f"https://host.example/{feed_path}", entry.find(f"{atom}link").get("href"))
        assert served == "https://host.example/studies/kogan2016/index.html", feed_path
        assert entry.find(f"{atom}id").text == "urn:mipex-tracker:studies/kogan2016/index.html"  # an absolute IRI
    (library.paths.root / "bib" / "site.toml").write_text('base_url = "https://example.org/mipex/"\n')
    library.build()  # no --base-url: the library says where its site lives
    entry = ET.parse(site / "feeds" / "studies.atom.xml").getroot().find(f"{atom}entry")
    assert entry.find(f"{atom}link").get("href") == "https://example.org/mipex/studies/kogan2016/index.html"
    assert (site / "sitemap.xml").is_file()
    (library.paths.root / "bib" / "site.toml").write_text('base_url = "example.org"\n')
    with pytest.raises(LibraryError, match="base_url must be an http"):
        library.build()


def test_a_build_without_the_sites_address_says_how_to_give_it(cli, write):
    cli("import", str(write("studies.bib", STUDY)))
    result = cli("build")
    assert result.exit_code == 0 and 'base_url = "https://..." in bib/site.toml' in result.output, result.output
    (cli.library_dir / "bib" / "site.toml").write_text('base_url = "https://example.org/mipex/"\n')
    result = cli("build")
    assert result.exit_code == 0 and "base_url" not in result.output  # said once it is known
