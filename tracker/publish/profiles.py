"""Countries' MIPEX profiles for the site: each area's national score by year, and the
indicator scores under each strand, so a country page can show what lies under a strand's
score (MIPEX averages a strand's indicators into its score).

Where two editions score the same year (an update re-scoring a year), the later edition's
value is shown: the edition whose scores reach the later year (by name when they reach the
same), so every build shows the same value whatever order the store returns rows in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.scores import ScoreRow

#: area -> year -> score, for one country.
Profile = dict[str, dict[int, float]]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator under a strand, for one country: its code, title and score by year."""

    code: str
    title: str
    points: dict[int, float]

    @property
    def first(self) -> tuple[int, float]:
        year = min(self.points)
        return year, self.points[year]

    @property
    def latest(self) -> tuple[int, float]:
        year = max(self.points)
        return year, self.points[year]

    @property
    def change(self) -> float | None:
        """Latest minus first score; None when it was scored in one year only."""
        (first_year, first), (last_year, last) = self.first, self.latest
        return None if first_year == last_year else last - first


@dataclass(frozen=True, slots=True)
class CountryRow:
    """A country in the index of countries."""

    code: str
    name: str
    overall: tuple[int, float] | None  # (year, score) of its latest overall score
    rank: tuple[int, int] | None  # (position, of how many) by that score
    studies: int


@dataclass(frozen=True, slots=True)
class AreaRow:
    """A policy area in the index of areas."""

    code: str
    label: str
    studies: int
    countries: int  # scored in it
    average: float | None  # of those countries' latest scores


def _later_first(scores: Iterable[ScoreRow]) -> tuple[list[ScoreRow], dict[str, tuple[int, str]]]:
    """The national scores, and each edition's rank: the later edition (whose scores reach
    the later year, then by name) ranks higher."""
    national = [s for s in scores if s.level == "national"]
    reach: dict[str, int] = {}
    for score in national:
        reach[score.edition] = max(reach.get(score.edition, score.year), score.year)
    return national, {edition: (year, edition) for edition, year in reach.items()}


def national_profiles(scores: Iterable[ScoreRow]) -> dict[str, Profile]:
    """country -> area -> year -> score: the strand and overall scores (no indicators)."""
    national, rank = _later_first(scores)
    best: dict[tuple[str, str, int], tuple[tuple[int, str], float]] = {}
    for score in national:
        key = (score.country, score.area, score.year)
        if not score.indicator and (key not in best or rank[score.edition] > best[key][0]):
            best[key] = (rank[score.edition], score.value)
    profiles: dict[str, Profile] = defaultdict(lambda: defaultdict(dict))
    for (country, area, year), (_, value) in sorted(best.items()):
        profiles[country][area][year] = value
    return {country: dict(areas) for country, areas in profiles.items()}


def _code_order(code: str) -> list[tuple[int, object]]:
    """Codes as MPG numbers them: `a2` before `a10` (digits compared as numbers)."""
    return [(1, int(part)) if part.isdigit() else (0, part) for part in re.split(r"(\d+)", code.lower()) if part]


def national_indicators(scores: Iterable[ScoreRow]) -> dict[str, dict[str, list[Indicator]]]:
    """country -> area -> its indicators in code order; an indicator's title is the one its
    last edition gives (its code when none does)."""
    national, rank = _later_first(scores)
    best: dict[tuple[str, str, str, int], tuple[tuple[int, str], float]] = {}
    titles: dict[tuple[str, str, str], tuple[tuple[int, str], int, str]] = {}
    for score in national:
        if not score.indicator:
            continue
        key, order = (score.country, score.area, score.indicator, score.year), rank[score.edition]
        if key not in best or order > best[key][0]:
            best[key] = (order, score.value)
        named = titles.get(key[:3])
        if score.title and (named is None or (order, score.year) > named[:2]):
            titles[key[:3]] = (order, score.year, score.title)
    points: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
    for (country, area, code, year), (_, value) in sorted(best.items()):
        points[(country, area, code)][year] = value
    indicators: dict[str, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
    for (country, area, code), scored in sorted(points.items(), key=lambda item: _code_order(item[0][2])):
        title = titles[(country, area, code)][2] if (country, area, code) in titles else code
        indicators[country][area].append(Indicator(code, title, scored))
    return {country: dict(areas) for country, areas in indicators.items()}


def latest_scores(
    profiles: Mapping[str, Profile], area: str, names: Mapping[str, str], only: Iterable[str] | None = None
) -> list[tuple[str, float, int]]:
    """(country name, latest score, its year) of each country scored in `area` (or of those
    `only` names), best first."""
    chosen = profiles if only is None else [c for c in only if c in profiles]
    found = [
        (names.get(country, country), profiles[country][area][year], year)
        for country in chosen
        if profiles[country].get(area)
        for year in [max(profiles[country][area])]
    ]
    return sorted(found, key=lambda row: (-row[1], row[0]))


def year_notes(rows: Iterable[tuple[str, float, int]]) -> list[tuple[str, float, str]]:
    """Each row's year as a note where it is older than the newest of them: countries are
    scored in different years, and a 2019 score beside 2024 ones must not read as current."""
    rows = list(rows)
    newest = max((year for _, _, year in rows), default=0)
    return [(name, value, "" if year == newest else f"({year})") for name, value, year in rows]


def yearly_averages(by_country: dict[str, Profile]) -> dict[str, dict[int, float]]:
    """Area -> year -> the average score of the countries MIPEX scored in it that year: what
    mipex.eu sets a country's score beside. (Countries scored in other years do not count:
    an average of a year's scores compares like with like.)"""
    sums: dict[str, dict[int, list[float]]] = {}
    for profile in by_country.values():
        for area, years in profile.items():
            for year, score in years.items():
                sums.setdefault(area, {}).setdefault(year, []).append(score)
    return {area: {year: sum(v) / len(v) for year, v in sorted(years.items())} for area, years in sums.items()}
