"""Every page's path and every link between pages come from one place (tracker.publish.urls)."""

from __future__ import annotations

import posixpath

import pytest

from tracker.publish import urls


@pytest.mark.parametrize(
    ("kind", "args", "path"),
    [
        ("home", (), "index.html"),
        ("study", ("kogan2016",), "studies/kogan2016/index.html"),
        ("country", ("SE",), "countries/se/index.html"),
        ("map", (), "map/index.html"),
        ("map_cell", ("health", "wellbeing"), "map/health/wellbeing/index.html"),
        ("digest", ("2026-11",), "digests/2026-11/index.html"),
    ],
)
def test_each_kind_of_page_has_one_path(kind, args, path):
    assert urls.page(kind, *args) == path


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ("index.html", "studies/a/index.html"),
        ("countries/index.html", "countries/dk/index.html"),
        ("studies/a/index.html", "studies/b/index.html"),
        ("map/ch/index.html", "map/index.html"),
        ("map/overall/wellbeing/index.html", "studies/a/index.html"),
        ("digests/2026-11/index.html", "digests/index.html"),
    ],
)
def test_a_link_leads_from_its_page_to_its_target(page, target):
    link = urls.link(target, page)
    assert not link.startswith("/")  # the site works opened from disk
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), link)) == target


def test_a_key_never_becomes_a_path_outside_the_site():
    path = urls.page("study", "../../etc/passwd")
    assert ".." not in path and path.startswith("studies/")
