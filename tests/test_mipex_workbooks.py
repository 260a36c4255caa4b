"""Opt-in: MPG's two real score workbooks in ../shared/data/mipex/raw, read whole (skipped
when absent). Every strand and overall value equals the shared tidy file made from them."""

from __future__ import annotations

import csv
import re

import pytest

from tracker.library import Library
from tracker.scores.workbook import read_workbook

from .conftest import SHARED

MIPEX = SHARED / "data" / "mipex"
PAIRS = [
    ("mipex_core_2007-2019.xlsx", "mipex2020_core_2007-2019_areas.csv"),
    ("mipex_EU_2020-2024.xlsx", "mipex_eu_2020-2024_areas.csv"),
]

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (MIPEX / "raw").exists(), reason=f"MPG workbooks absent ({MIPEX / 'raw'}): opt-in test skipped"
    ),
]


@pytest.mark.parametrize(("workbook", "tidy"), PAIRS)
def test_a_real_workbook_reads_value_for_value_as_the_tidy_file(workbook, tidy):
    read = read_workbook(MIPEX / "raw" / workbook, "edition")
    ours = {(r.country, r.area, r.year): r.value for r in read.rows if not r.indicator}
    with (MIPEX / tidy).open(encoding="utf-8") as handle:
        theirs = {(row["iso2"], row["area"], int(row["year"])): float(row["score"]) for row in csv.DictReader(handle)}
    assert ours.keys() == theirs.keys()
    assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in theirs)
    assert len(read.rows) > len(ours) * 5  # the indicators under the strands are read too
    # each with MPG's code: a sub-indicator's is in the Sub-indicator row (29% of them)
    assert not [r for r in read.rows if r.indicator.startswith("indicator ")]
    assert len(read.problems) < 10  # the few odd cells are reported, not fatal


def test_a_country_page_built_from_both_workbooks_shows_the_indicators_under_its_scores(tmp_path):
    library = Library(tmp_path / "library")
    for workbook, _ in PAIRS:
        library.import_scores(MIPEX / "raw" / workbook, edition=workbook.removesuffix(".xlsx"))
    library.build()
    page = (library.paths.root / "site" / "countries" / "de" / "index.html").read_text(encoding="utf-8")
    # Germany's family reunification score in the EU update, and the core set's 16 indicators under it:
    assert "<summary>Family reunification (42 in 2024): 16 indicators</summary>" in page
    summaries = re.findall(r"<summary>([^<]+)</summary>", page)
    assert len(summaries) == 8  # every strand has its indicators
