"""Reading scores from a tidy CSV: one score per row.

Columns (a header row; names case-insensitive): `country` (or `iso2`/`iso3`: an ISO-2 or
ISO-3 code or an English name), `area`, `year`, `score` (or `value`), `edition`; optional
`level` (national, regional, local), `place`, `source`, `indicator`, `title`. The shared
tidy files (`iso2,iso3,country,year,edition,area,score`) read as they are, and so do the
overall-only layouts: an `overall_score` column, or `overall_variant` + `score`, where the
index's overall score is the `with_health` variant (the others are counted, not stored:
they are not the overall score the site shows). Without an `area` column, `area` (the
command's `--area`) names it for every row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracker.scores import ReadScores, ScoreRow
from tracker.scores.check import ScoreError, area_code, country_code, level_value, score_value, year_value

_REQUIRED = ("area", "year", "edition")


#: The overall variant that is the index's overall score (as in MPG's workbook).
OVERALL_VARIANT = "with_health"


def read_tidy(path: Path, text: str, default_source: str = "", area: str | None = None) -> ReadScores:
    """Every row that is a score; the others reported as `path:line: why`."""
    result = ReadScores()
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    country_column = next((columns[c] for c in ("iso2", "country", "iso3") if c in columns), None)
    value_column = next((columns[c] for c in ("score", "value", "overall_score") if c in columns), None)
    if "area" not in columns and ("overall_score" in columns or "overall_variant" in columns):
        area = area or "overall"
    missing = [c for c in _REQUIRED if c not in columns and not (c == "area" and area)]
    if country_column is None:
        missing.insert(0, "country (or iso2/iso3)")
    if value_column is None:
        missing.append("score (or value)")
    if missing:
        result.problems.append((f"{path}:1", f"missing columns: {', '.join(missing)}"))
        return result

    def cell(row: dict[str, str], name: str) -> str:
        return (row.get(columns[name]) or "").strip() if name in columns else ""

    other_variants: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        variant = cell(row, "overall_variant")
        if variant and variant != OVERALL_VARIANT:
            other_variants[variant] = other_variants.get(variant, 0) + 1
            continue
        try:
            if None in row:  # more cells than the header names
                raise ScoreError(
                    f"{len(reader.fieldnames or []) + len(row[None])} cells where the header names "
                    f"{len(reader.fieldnames or [])} (a value with a comma needs quotes)"
                )
            value = score_value(row.get(value_column))
            if value is None:
                continue  # not scored
            result.rows.append(
                ScoreRow(
                    country=country_code(row.get(country_column) or ""),
                    area=area_code(cell(row, "area") or area or ""),
                    year=year_value(cell(row, "year")),
                    value=value,
                    edition=cell(row, "edition") or _refuse("no edition"),
                    level=level_value(cell(row, "level")),
                    place=cell(row, "place"),
                    source=cell(row, "source") or default_source,
                    indicator=cell(row, "indicator"),
                    title=cell(row, "title"),
                )
            )
        except ScoreError as error:
            result.problems.append((f"{path}:{line}", str(error)))
    for variant, count in sorted(other_variants.items()):
        result.set_aside[f"overall_variant {variant!r} (the overall score is {OVERALL_VARIANT!r})"] = count
    return result


def _refuse(why: str) -> str:
    raise ScoreError(why)
