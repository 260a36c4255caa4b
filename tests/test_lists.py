"""Lists of studies that scale: paged, in the orders a reader asks for, facets never cut."""

from __future__ import annotations

import re

from tests.conftest import include_all
from tracker.entry import StudyView
from tracker.library import Library
from tracker.publish import lists
from tracker.publish.lists import latest_added


def _view(key: str, title: str, year: str) -> StudyView:
    return StudyView(key, "article", {"title": title, "year": year}, authors=[], editors=[], aliases=[])


def test_the_latest_added_come_first_then_the_newest_publication_then_the_title():
    views = [_view("b", "Beta", "2010"), _view("a", "alpha", "2010"), _view("c", "Gamma", "2021")]
    views.append(_view("d", "Delta", "2015"))
    added = {"a": "2026-11-02T10:00:00Z", "b": "2026-11-02T09:00:00Z", "c": "2026-11-02T11:00:00Z"}
    added["d"] = "2026-12-01T08:00:00Z"
    assert [v.key for v in latest_added(views, added)] == ["d", "c", "a", "b"]  # a day, then year, then title
    added["b"] = "2026-12-01T07:00:00Z"
    assert [v.key for v in latest_added(views, added)] == [
        "d",
        "b",
        "c",
        "a",
    ]  # case does not count


def test_a_long_list_is_paged_with_every_page_reachable_and_sorts_in_the_browser(tmp_path, write, monkeypatch):
    monkeypatch.setattr(lists, "PER_PAGE", 4)
    text = "".join(
        f"@article{{k{n:02d}, title = {{Study {chr(65 + n)} of integration}}, author = {{Au, Thor}}, "
        f"year = {{{2000 + n % 7}}}, journal = {{J}}}}\n"
        for n in range(10)
    )
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", text)])
    include_all(library)
    library.build()
    site = library.paths.root / "site"
    first = (site / "studies" / "index.html").read_text()
    assert "Studies 1–4 of 10." in first
    assert 'rel="next" href="../browse/2/index.html"' in first
    keys = []
    for path in (
        site / "studies" / "index.html",
        site / "browse" / "2" / "index.html",
        site / "browse" / "3" / "index.html",
    ):
        keys += re.findall(r'<li><a href="(?:[./]*studies/)?(k\d\d)/index.html">', path.read_text())
    assert sorted(keys) == [f"k{n:02d}" for n in range(10)]  # every study once, none lost between pages
    years = [2000 + int(k[1:]) % 7 for k in keys]
    assert years == sorted(years, reverse=True)  # added the same day: the newest publication first
    assert not (site / "browse" / "4").exists()
    last = (site / "browse" / "3" / "index.html").read_text()
    assert "Studies 9–10 of 10." in last and 'rel="prev"' in last and 'rel="next"' not in last
    # the other orders come from the catalogue, as on every list (test_browser sorts them)
    assert 'data-sortable data-root="../"' in first and 'src="../assets/lists.js"' in first
    assert 'data-per-page="4"' in first  # the browser pages the sorted list as the built one


def test_facet_values_are_never_cut_the_rest_a_click_away_saying_how_many(tmp_path, write):
    text = "".join(
        f"@article{{y{year}, title = {{A study of integration in {year}}}, author = {{Au, Thor}}, "
        f"year = {{{year}}}, journal = {{J}}}}\n"
        for year in range(1998, 2013)
    )
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", text)])
    include_all(library)
    library.build()
    page = (library.paths.root / "site" / "studies" / "index.html").read_text()
    assert "<summary>5 more years (1998–2002)</summary>" in page
    for year in range(1998, 2013):
        assert f">{year}</a>" in page, year
