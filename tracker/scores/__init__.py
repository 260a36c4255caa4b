"""MIPEX scores: read (tidy CSV, or MPG's own workbook), checked, stored, shipped in `bib/scores/`.

A score is a fact about a country's policy: country (ISO alpha-2), area (the 8 strands or
`overall`), year, value 0-100, edition, level (national, regional, local, with the place).
Indicator scores (under a strand) are kept too, so a country page can show what lies
under a strand's score. Rows that cannot be a score are reported by file, sheet and row and
skipped; the rest import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AREAS = (
    "labour_market",
    "family_reunion",
    "education",
    "health",
    "political_participation",
    "permanent_residence",
    "access_to_nationality",
    "anti_discrimination",
    "overall",
)
LEVELS = ("national", "regional", "local")


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One score as read, before it is stored."""

    country: str
    area: str
    year: int
    value: float
    edition: str
    level: str = "national"
    place: str = ""
    source: str = ""
    indicator: str = ""
    title: str = ""

    @property
    def identity(self) -> tuple[str, str, int, str, str, str, str]:
        """What a re-import replaces: one value per country, area, year, edition, place, indicator."""
        return (self.country, self.area, self.year, self.edition, self.level, self.place, self.indicator)


@dataclass(slots=True)
class ReadScores:
    """What a file gave: the rows, and the problems (where, what) of those skipped."""

    rows: list[ScoreRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: Rows read and deliberately not stored, by why (other overall variants), with counts.
    set_aside: dict[str, int] = field(default_factory=dict)
