"""Commands for MIPEX scores: import them (tidy CSV or MPG's workbook), show them."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import click
from rich.table import Table

from tracker.cli.app import console_for, main, pass_library
from tracker.library import Library

#: How many skipped rows an import lists before counting the rest.
MAX_PROBLEM_LINES = 20


@main.group()
def scores() -> None:
    """MIPEX scores: import them, show them."""


@scores.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--edition", help="The edition the scores belong to (a workbook does not say: name it).")
@click.option("--area", help="The area of every row, for a table without an area column (e.g. overall).")
@click.option("--source", help="Where the figures come from, as the site will name it.")
@click.option(
    "--replace",
    is_flag=True,
    help="The file replaces its editions whole: their scores it no longer holds are removed.",
)
@pass_library
def import_scores(
    library: Library, *, file: Path, edition: str | None, area: str | None, source: str | None, replace: bool
) -> None:
    """Import scores from a tidy CSV or MPG's spreadsheet download; bad rows are listed and skipped."""
    report = library.import_scores(file, edition, source, replace_editions=replace, area=area)
    out, err = console_for(), console_for(stderr=True)
    stored = report.stored
    counts = [f"{stored.added} added", f"{stored.changed} with a new value", f"{stored.unchanged} unchanged"]
    if stored.relabelled:
        counts.append(f"{stored.relabelled} with a new source or title")
    if stored.repeated:
        counts.append(f"{stored.repeated} repeated in the file (the first stands)")
    if replace:
        counts.append(f"{stored.removed} removed")
    out.print(
        f"{report.path}: {report.read} scores read: {', '.join(counts)}; {len(report.problems)} rows skipped",
        markup=False,
    )
    for why, count in report.set_aside.items():
        out.print(f"{report.path}: {count} rows of {why} set aside, not stored", markup=False)
    for where, why in report.problems[:MAX_PROBLEM_LINES]:
        err.print(f"{where}: {why}", markup=False)
    if len(report.problems) > MAX_PROBLEM_LINES:
        err.print(f"... and {len(report.problems) - MAX_PROBLEM_LINES} more rows skipped", markup=False)
    if report.problems and not stored.added and not stored.changed and not stored.unchanged:
        sys.exit(1)


@scores.command("drop")
@click.argument("edition")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
@pass_library
def drop_scores(library: Library, edition: str, yes: bool) -> None:
    """Remove every score of EDITION (imported under a wrong name, say); `git` keeps the old bib/scores."""
    if not yes and not click.confirm(f"remove every score of edition {edition!r}?", default=False):
        console_for().print("nothing changed", markup=False)
        return
    console_for().print(f"removed {library.drop_scores(edition)} scores of edition {edition!r}", markup=False)


@scores.command("show")
@click.argument("country", required=False)
@pass_library
def show_scores(library: Library, country: str | None) -> None:
    """A country's scores by area and year (or, without COUNTRY, what the library holds)."""
    rows = library.scores(country)
    out = console_for()
    if not rows:
        out.print("no scores: import them with `mipex-tracker scores import FILE`", markup=False)
        return
    if country is None:
        countries = sorted({r.country for r in rows})
        years = sorted({r.year for r in rows})
        editions = sorted({r.edition for r in rows})
        out.print(f"{len(rows)} scores: {len(countries)} countries, {years[0]}-{years[-1]}", markup=False)
        out.print(f"editions: {'; '.join(editions)}", markup=False)
        out.print(f"countries: {' '.join(countries)}", markup=False)
        return
    by_area: dict[str, dict[int, float]] = defaultdict(dict)
    for row in rows:
        by_area[f"{row.area} ({row.edition})"][row.year] = row.value
    years = sorted({r.year for r in rows})
    table = Table(title=f"MIPEX scores: {rows[0].country}", title_justify="left")
    table.add_column("area (edition)")
    for year in years:
        table.add_column(str(year), justify="right")
    for area, values in sorted(by_area.items()):
        table.add_row(area, *[f"{values[y]:.0f}" if y in values else "" for y in years])
    out.print(table)
