"""Reading MPG's own score workbook (the "Policy Indicators Scores" download), as published.

Layout (see ../shared/data/mipex/README.md): one sheet per country, named by MPG's code
(`UK` for the United Kingdom, `TU` for Turkey); an "Overall Scores" block (a `Year` column
and three overall variants, of which "Overall Score (with health)" is `overall`); then per
strand a block: a row `Policy strand | <name> Strand`, rows `Indicator`, `Sub-indicator`,
`Title`, `Description`, `Answer options`, a header row of `Year | Score | Comments`
triples — the first the strand average, the others its indicators — and a row per year.
Error cells (`#DIV/0!`) and blanks mean "not scored". Coders' comments are never read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl

from tracker.scores import ReadScores, ScoreRow
from tracker.scores.check import ScoreError, country_code, score_value, year_value

STRANDS = {
    "labour market mobility": "labour_market",
    "family reunification": "family_reunion",
    "family reunion": "family_reunion",
    "education": "education",
    "political participation": "political_participation",
    "permanent residence": "permanent_residence",
    "access to nationality": "access_to_nationality",
    "citizenship": "access_to_nationality",
    "anti-discrimination": "anti_discrimination",
    "antidiscrimination": "anti_discrimination",
    "health": "health",
}
OVERALL_COLUMN = "overall score (with health)"


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _cell(row: Sequence[object], column: int) -> str:
    return _text(row[column]) if column < len(row) else ""


def _strand(label: str) -> str | None:
    name = label.lower().removesuffix("strand").strip()
    return STRANDS.get(name)


#: Bounds on what a workbook may make us read: MPG's largest sheet is 1,016 rows by 1,024
#: (mostly empty) columns, 56 sheets, a few MB unpacked. A hostile file (one cell at
#: XFD1048576, a zip bomb) is read within them or refused, never to gigabytes.
MAX_ROWS, MAX_COLUMNS, MAX_SHEETS = 5_000, 1_100, 300
MAX_UNPACKED_BYTES = 256 << 20


def _unpacked_size_problem(path: Path) -> str | None:
    """Why the workbook is refused before it is opened (it unpacks to too much), or None.
    A zip member never yields more than the size its header declares, so the sum holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return f"not a readable workbook: {error}"
    if unpacked > MAX_UNPACKED_BYTES:
        return (
            f"not read: it unpacks to {unpacked / (1 << 20):,.0f} MB, more than a score workbook "
            f"({MAX_UNPACKED_BYTES >> 20} MB at most; a zip bomb?)"
        )
    return None


def _rows(sheet: Any) -> list[list[object]]:
    """The sheet's rows within the bounds, trailing empty rows dropped."""
    rows = [list(row) for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)]
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    return rows


def read_workbook(path: Path, edition: str, source: str = "") -> ReadScores:
    """Every strand, overall and indicator score of every country sheet."""
    result = ReadScores()
    problem = _unpacked_size_problem(path)
    if problem:
        result.problems.append((str(path), problem))
        return result
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        result.problems.append((str(path), f"not a readable workbook: {error}"))
        return result
    try:
        for number, sheet in enumerate(book.worksheets):
            where = f"{path}[{sheet.title}]"
            if number == MAX_SHEETS:
                result.problems.append((where, f"this sheet and the next ones skipped: {MAX_SHEETS} sheets at most"))
                break
            try:
                country = country_code(sheet.title)
            except ScoreError as error:
                result.problems.append((where, f"sheet skipped: {error}"))
                continue
            if (sheet.max_row or 0) > MAX_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
                result.problems.append(
                    (
                        where,
                        f"the sheet says it spans {sheet.max_row:,} rows by {sheet.max_column:,} columns: "
                        f"only the first {MAX_ROWS:,} by {MAX_COLUMNS:,} are read",
                    )
                )
            try:
                _Sheet(country, edition, source, where, result).read(_rows(sheet))
            except Exception as error:  # broken XML inside the workbook, odd cell values
                result.problems.append((where, f"sheet unreadable: {error.__class__.__name__}: {error}"))
    finally:
        book.close()
    return result


@dataclass(slots=True)
class _Sheet:
    """One country's sheet, read block by block into `result`."""

    country: str
    edition: str
    source: str
    where: str
    result: ReadScores

    def read(self, rows: list[list[object]]) -> None:
        index = 0
        while index < len(rows):
            first = _text(rows[index][0] if rows[index] else None).lower()
            if first == "overall scores" and index + 1 < len(rows):
                index = self._overall(rows, index + 1)
            elif first == "policy strand":
                index = self._strand(rows, index)
            else:
                index += 1

    def _overall(self, rows: list[list[object]], header_at: int) -> int:
        header = [_text(c).lower() for c in rows[header_at]]
        column = header.index(OVERALL_COLUMN) if OVERALL_COLUMN in header else None
        index = header_at + 1
        while index < len(rows) and rows[index] and rows[index][0] is not None:
            if column is not None:
                self._add(rows[index][0], rows[index][column], "overall", index)
            index += 1
        return index

    def _strand(self, rows: list[list[object]], start: int) -> int:
        area = _strand(_text(rows[start][1] if len(rows[start]) > 1 else ""))
        if area is None:
            self.result.problems.append((f"{self.where} row {start + 1}", f"unknown strand {rows[start][1]!r}"))
        labels: dict[str, list[object]] = {}
        index = start + 1
        while index < len(rows) and _text(rows[index][0] if rows[index] else None).lower() != "year":
            labels[_text(rows[index][0]).lower()] = rows[index]
            index += 1
        if index >= len(rows):
            return index
        header = rows[index]
        triples = [c for c in range(0, len(header), 3) if _text(header[c]).lower() == "year"]
        codes, subcodes, titles = labels.get("indicator", []), labels.get("sub-indicator", []), labels.get("title", [])
        index += 1
        while index < len(rows) and rows[index] and rows[index][0] is not None:
            row = rows[index]
            for position, column in enumerate(triples):
                if column + 1 >= len(row) or area is None:
                    continue
                title = "" if position == 0 else _cell(titles, column + 1)
                # A sub-indicator's code is in the Sub-indicator row, its Indicator cell left blank.
                code = _cell(codes, column + 1) or _cell(subcodes, column + 1)
                indicator = "" if position == 0 else code or f"indicator {position}"  # a few sheets leave codes out
                self._add(row[column], row[column + 1], area, index, indicator=indicator, title=title)
            index += 1
        return index

    def _add(self, year: object, value: object, area: str, index: int, *, indicator: str = "", title: str = "") -> None:
        try:
            number = score_value(value)
            if number is None:
                return
            row = ScoreRow(self.country, area, year_value(year), number, self.edition, source=self.source)
            self.result.rows.append(replace(row, indicator=indicator, title=title) if indicator else row)
        except ScoreError as error:
            self.result.problems.append((f"{self.where} row {index + 1}", str(error)))
