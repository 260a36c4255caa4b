"""Charts drawn as inline SVG from the data: no script, no CDN, and a text equivalent.

Each chart is an `<svg role="img">` with a `<title>` and `<desc>` that say what it shows;
pages put the same figures in a table beside it, for screen readers and for print.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from tracker.publish.bands import BANDS, band_of, legend_html

WIDTH, HEIGHT, PAD = 560, 220, 36
#: Colour-blind-safe palette (Okabe-Ito), one colour per series.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999")


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    points: Mapping[int, float]  # year -> score 0-100


def _stripes(y: Callable[[float], float], left: float, right: float) -> str:
    """MIPEX's bands as faint stripes behind a chart on the 0-100 scale (their edges halfway
    between whole scores, as scores are rounded)."""
    stripes = []
    for band in BANDS:
        if band.low == band.high:  # a band of one score (0) is a line, not a stripe
            continue
        top, bottom = y(min(100, band.high + 0.5)), y(max(0, band.low - 0.5))
        size = f'width="{right - left}" height="{bottom - top:.1f}"'
        stripes.append(f'<rect class="stripe {band.css}" x="{left}" y="{top:.1f}" {size}/>')
    return "".join(stripes)


def line_chart(title: str, series: Sequence[Series]) -> str:
    """Scores over the years, one line per series, on a 0-100 scale."""
    years = sorted({year for s in series for year in s.points})
    if not years:
        return ""
    first, last = years[0], years[-1]
    span = max(last - first, 1)

    def x(year: int) -> float:
        return PAD + (year - first) / span * (WIDTH - 2 * PAD)

    def y(value: float) -> float:
        return HEIGHT - PAD - value / 100 * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(describe(series))}</desc>",
        _stripes(y, PAD, WIDTH - PAD),
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<line class="grid" x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{PAD - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for year in year_ticks(first, last):
        parts.append(f'<text class="tick" x="{x(year):.1f}" y="{HEIGHT - 10}" text-anchor="middle">{year}</text>')
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in sorted(item.points.items()))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(item.label)}</title></polyline>"
        )
        for year, value in sorted(item.points.items()):
            parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}"/>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{PALETTE[i % len(PALETTE)]}"/></svg>{escape(s.label)}</li>'
        for i, s in enumerate(series)
    )
    return "".join(parts) + f'<ul class="legend">{legend}</ul>' + legend_html()


def small_multiples(subject: str, series: Sequence[Series], averages: Sequence[Mapping[int, float]] = ()) -> str:
    """One small chart per series on the same 0-100 scale and years (a country's areas):
    nine lines in one chart cross and hide each other; side by side each reads at a glance,
    and their heights still compare. Each chart names its series and its latest score, and,
    when `averages` gives one per series (year -> the average of the countries scored that
    year, as mipex.eu compares a country), draws it as a dashed grey line."""
    years = sorted({year for s in series for year in s.points})
    if not years:
        return ""
    first, last = years[0], years[-1]
    width, height, left, right, top, bottom = 200, 100, 26, 6, 8, 22
    span = max(last - first, 1)

    def x(year: int) -> float:
        return left + (year - first) / span * (width - left - right)

    def y(value: float) -> float:
        return top + (100 - value) / 100 * (height - top - bottom)

    figures = []
    for index, item in enumerate(series):
        ordered = sorted(item.points.items())
        latest_year, latest = ordered[-1]
        average = sorted((averages[index] if index < len(averages) else {}).items())
        said = describe([item]) + (
            f" The average of the countries scored: {describe_points(average)}." if average else ""
        )
        parts = [
            f'<svg class="chart small" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
            f"<title>{escape(f'{item.label} in {subject}')}</title>",
            f"<desc>{escape(said)}</desc>",
            _stripes(y, left, width - right),
        ]
        for tick in (0, 50, 100):
            parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
            parts.append(f'<text class="tick" x="{left - 4}" y="{y(tick) + 3:.1f}" text-anchor="end">{tick}</text>')
        ends = [(first, "start"), (last, "end")] if last != first else [(first, "middle")]
        for year, anchor in ends:  # inside the chart's box, not cut at its edges
            parts.append(f'<text class="tick" x="{x(year):.1f}" y="{height - 6}" text-anchor="{anchor}">{year}</text>')
        if average:
            dashes = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in average)
            parts.append(f'<polyline class="average" fill="none" points="{dashes}"/>')
        points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in ordered)
        parts.append(f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="2" points="{points}"/>')
        parts.append(
            f'<circle class="{band_of(latest).css} latest-dot" cx="{x(latest_year):.1f}" cy="{y(latest):.1f}" r="3.5"/>'
        )
        parts.append("</svg>")
        figures.append(
            f'<figure><figcaption>{escape(item.label)} <span class="latest">{latest:.0f}'
            f'<span class="count"> in {latest_year}</span></span></figcaption>{"".join(parts)}</figure>'
        )
    key = (
        '<li><svg class="swatch" width="18" height="12" aria-hidden="true" focusable="false"><line class="average" '
        'x1="0" x2="18" y1="6" y2="6"/></svg>the average of the countries MIPEX scored that year</li>'
        if averages
        else ""
    )
    return f'<div class="multiples">{"".join(figures)}</div>{legend_html()}' + (
        f'<ul class="legend">{key}</ul>' if key else ""
    )


def year_ticks(first: int, last: int) -> list[int]:
    """The years labelled under a chart: the first, the last, and each fifth year between that
    is not crowding them (2007, 2010, 2015, 2020, 2024); every year when there are few."""
    if last - first <= 6:
        return list(range(first, last + 1))
    between = [year for year in range(first + 2, last - 1) if year % 5 == 0]
    return [first, *between, last]


def describe_points(points: Sequence[tuple[int, float]]) -> str:
    """A line's first and last value in words: "40 in 2007, 60 in 2019"."""
    (y0, v0), (y1, v1) = points[0], points[-1]
    return f"{v0:.0f} in {y0}" + (f", {v1:.0f} in {y1}" if y1 != y0 else "")


def describe(series: Sequence[Series]) -> str:
    """The chart in words: each series' first and last score."""
    sentences = []
    for item in series:
        ordered = sorted(item.points.items())
        sentences.append(f"{item.label}: {describe_points(ordered)}")
    return "; ".join(sentences) + "."


def bar_chart(title: str, bars: Sequence[tuple[str, float, str]]) -> str:
    """Horizontal bars on a 0-100 scale, one per label (countries in a strand), each with its
    value and a note after it ("" for none; the year of a score older than the others')."""
    if not bars:
        return ""
    row, label_width = 18, 150
    height = row * len(bars) + 30
    parts = [
        f'<svg class="chart bars" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape("; ".join(f"{label} {value:.0f}{f' {note}' if note else ''}" for label, value, note in bars))
        + "</desc>",
    ]
    scale = (WIDTH - label_width - 70) / 100
    bottom = 10 + len(bars) * row
    for tick in (0, 50, 100):
        x = label_width + tick * scale
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="8" y2="{bottom}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{tick}</text>')
    for index, (label, value, note) in enumerate(bars):
        top = 10 + index * row
        parts.append(
            f'<text class="tick" x="{label_width - 6}" y="{top + 12}" text-anchor="end">{escape(label)}</text>'
        )
        width = f"{value * scale:.1f}"
        parts.append(
            f'<rect class="{band_of(value).css}" x="{label_width}" y="{top + 2}" width="{width}" height="{row - 5}"/>'
        )
        after = f'{value:.0f}<tspan class="note"> {escape(note)}</tspan>' if note else f"{value:.0f}"
        parts.append(f'<text class="tick" x="{label_width + value * scale + 4:.1f}" y="{top + 12}">{after}</text>')
    parts.append("</svg>")
    return "".join(parts) + legend_html()
