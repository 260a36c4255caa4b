"""The evidence map's bubbles: how large a cell's bubble is drawn for its number of studies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BubbleScale:
    """Bubble radii for counts, by area (the square root), as evidence gap maps draw them:
    a cell of four times the studies has twice the radius. `most` is the largest count of
    the map's outcome cells (the studies that measure no outcome are drawn apart, so that
    their count, often most of a library, does not shrink every other bubble)."""

    most: int
    smallest: float = 3.5
    largest: float = 17.0

    def radius(self, count: int) -> float:
        if count <= 0:
            return 0.0
        share = min(count, self.most) / max(self.most, 1)
        return round(self.smallest + (self.largest - self.smallest) * share**0.5, 1)

    def legend(self) -> list[tuple[int, float]]:
        """A few counts with their radii: 1, the middle, the most (fewer when they coincide)."""
        shown = sorted({1, max(1, round(self.most / 4)), self.most})
        return [(count, self.radius(count)) for count in shown]
