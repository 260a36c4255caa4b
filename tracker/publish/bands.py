"""MIPEX's bands of its 0-100 scale, as MIPEX names them (from "critically unfavourable" at
0 to "favourable" at 80 and above), and the colours every chart on the site gives them.

One place for both, so that a bar, a meter and the band behind a line mean the same colour
on every page, and each chart's legend (`legend_html`) says what the colours are. The
colours are ColorBrewer's red-yellow-green, dark enough at both ends to read on white;
they live in the stylesheet as `.band-<name>` (fill), the names here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Band:
    low: int  # the lowest score in the band (scores are rounded to whole numbers)
    high: int
    label: str
    name: str  # the stylesheet's class: band-<name>

    @property
    def css(self) -> str:
        return f"band-{self.name}"


#: Highest first, as a legend reads.
BANDS = (
    Band(80, 100, "Favourable", "favourable"),
    Band(60, 79, "Slightly favourable", "slightly-favourable"),
    Band(41, 59, "Halfway favourable", "halfway"),
    Band(21, 40, "Slightly unfavourable", "slightly-unfavourable"),
    Band(1, 20, "Unfavourable", "unfavourable"),
    Band(0, 0, "Critically unfavourable", "critically-unfavourable"),
)


def band_of(score: float) -> Band:
    """The band of a score, rounded as MIPEX publishes it (59.5 is 60: slightly favourable)."""
    whole = min(100, max(0, int(score + 0.5)))
    return next(band for band in BANDS if band.low <= whole <= band.high)


def legend_html(shown: tuple[Band, ...] = BANDS) -> str:
    """The bands as a legend: a swatch and a label with its range, each."""
    items = "".join(
        f'<li><svg class="swatch" width="12" height="12" aria-hidden="true" focusable="false">'
        f'<rect class="{band.css}" width="12" height="12"/></svg>{escape(band.label)} '
        f'<span class="count">{band.low if band.low == band.high else f"{band.low}–{band.high}"}</span></li>'
        for band in shown
    )
    return f'<ul class="legend bands" aria-label="MIPEX score bands">{items}</ul>'
