"""Countries' profiles as the site shows them: one value per year whatever order the store
returns its rows in, the later edition's where two editions score the same year."""

from __future__ import annotations

import itertools

from tracker.models import Score
from tracker.publish.profiles import national_indicators, national_profiles

CORE = "MIPEX core set 2007-2019"
UPDATE = "EU update 2020-2024"  # sorts before CORE by name, but reaches the later year


def _score(year: int, value: float, edition: str, indicator: str = "", title: str = "", *, level: str = "national"):  # type: ignore[no-untyped-def]
    return Score(
        country="DE",
        area="health",
        year=year,
        value=value,
        edition=edition,
        level=level,
        indicator=indicator,
        title=title,
    )


ROWS = [
    _score(2019, 40, CORE),
    _score(2019, 45, UPDATE),  # the update re-scores 2019
    _score(2024, 50, UPDATE),
    _score(2019, 10, CORE, "c2", "Old title"),
    _score(2019, 20, UPDATE, "c2", "Entitlements"),
    _score(2024, 30, UPDATE, "c2", ""),  # a row without a title keeps the one given before
    _score(2024, 99, UPDATE, "c2", "Regional", level="regional"),
]


def test_the_later_edition_wins_a_year_two_editions_score_in_any_row_order():
    for rows in itertools.permutations(ROWS):
        assert national_profiles(rows) == {"DE": {"health": {2019: 45, 2024: 50}}}
        (indicator,) = national_indicators(rows)["DE"]["health"]
        assert (indicator.code, indicator.title, indicator.points) == ("c2", "Entitlements", {2019: 20, 2024: 30})
        assert indicator.change == 10


def test_indicators_come_in_mpg_order_and_one_year_has_no_change():
    rows = [_score(2019, 50, CORE, code) for code in ("c10", "c2", "c1a", "b7")]
    found = national_indicators(rows)["DE"]["health"]
    assert [i.code for i in found] == ["b7", "c1a", "c2", "c10"]
    assert found[0].title == "b7" and found[0].change is None
