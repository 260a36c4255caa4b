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

from tracker.models import Score

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


def _national(scores: Iterable[Score]) -> list[Score]:
    """The national scores, each (country, area, indicator) in the order its editions came."""
    national = [s for s in scores if s.level == "national"]
    reach: dict[str, int] = {}
    for score in national:
        reach[score.edition] = max(reach.get(score.edition, score.year), score.year)
    return sorted(national, key=lambda s: (s.country, s.area, s.indicator, reach[s.edition], s.edition, s.year))


def national_profiles(scores: Iterable[Score]) -> dict[str, Profile]:
    """country -> area -> year -> score: the strand and overall scores (no indicators)."""
    profiles: dict[str, Profile] = defaultdict(lambda: defaultdict(dict))
    for score in _national(scores):
        if not score.indicator:
            profiles[score.country][score.area][score.year] = score.value
    return {country: dict(areas) for country, areas in profiles.items()}


def _code_order(code: str) -> list[tuple[int, object]]:
    """Codes as MPG numbers them: `a2` before `a10` (digits compared as numbers)."""
    return [(1, int(part)) if part.isdigit() else (0, part) for part in re.split(r"(\d+)", code.lower()) if part]


def national_indicators(scores: Iterable[Score]) -> dict[str, dict[str, list[Indicator]]]:
    """country -> area -> its indicators in code order; an indicator's title is the one its
    last edition gives (its code when none does)."""
    found: dict[tuple[str, str, str], tuple[str, dict[int, float]]] = {}
    for score in _national(scores):
        if score.indicator:
            key = (score.country, score.area, score.indicator)
            title, points = found.get(key, (score.indicator, {}))
            points[score.year] = score.value
            found[key] = (score.title or title, points)
    indicators: dict[str, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
    for (country, area, code), (title, points) in sorted(found.items(), key=lambda item: _code_order(item[0][2])):
        indicators[country][area].append(Indicator(code, title, points))
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
