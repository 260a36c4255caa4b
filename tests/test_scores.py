"""MIPEX scores: the tidy CSV and MPG's workbook layout (small workbooks the project writes,
labelled as test data), checks, re-imports, the text image (both stores, see conftest)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import drop_store
from tracker.scores.check import country_code
from tracker.scores.workbook import read_workbook

SOURCE = "test data written by the project (not MIPEX figures)"


def write_workbook(path: Path, sheets: dict[str, dict]) -> Path:
    """A workbook in MPG's layout: an overall block, then per strand its average and indicators."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, content in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["Overall Scores"])
        sheet.append(
            [
                "Year",
                "Overall Score (with health)",
                "Overall Score (with/out health)",
                "Overall Score (with/out health and education)",
            ]
        )
        for year, value in content.get("overall", {}).items():
            sheet.append([year, value, 50, 50])
        sheet.append([])
        for strand, (average, indicators) in content.get("strands", {}).items():
            sheet.append(["Policy strand", f"{strand} Strand"])
            # A sub-indicator ("sub:bb28a") has its code in the Sub-indicator row only, as MPG writes it.
            codes = [code.removeprefix("sub:") for code in indicators]
            subs = [code.startswith("sub:") for code in indicators]
            sheet.append(
                ["Indicator", "a", None]
                + [c for code, sub in zip(codes, subs, strict=True) for c in ("Indicator", None if sub else code, None)]
            )
            sheet.append(
                ["Sub-indicator", None, None]
                + [
                    c
                    for code, sub in zip(codes, subs, strict=True)
                    for c in ("Sub-indicator", code if sub else None, None)
                ]
            )
            sheet.append(["Title ", strand, None] + [c for code in codes for c in ("Title ", f"Title of {code}", None)])
            sheet.append(
                ["Description ", "Average of the strand", None] + ["Description ", "text", None] * len(indicators)
            )
            sheet.append(
                ["Answer options ", "TO BE FILLED AUTOMATICALLY", None]
                + ["Answer options ", "100 - yes", None] * len(indicators)
            )
            sheet.append(["Year", "Score", "Comments"] * (1 + len(indicators)))
            for year, value in average.items():
                row = [year, value, "a coder's comment"]
                for code in indicators:
                    row += [year, indicators[code].get(year), None]
                sheet.append(row)
            sheet.append([])
    book.save(path)
    return path


WORKBOOK = {
    "SE": {
        "overall": {2014: 86.0, 2019: 86.4},
        "strands": {
            "Labour Market Mobility": (
                {2018: 91.0, 2019: 91.5},
                {"aa1": {2018: 100, 2019: 100}, "aa3": {2018: 50, 2019: "#DIV/0!"}, "sub:aa3b": {2019: 75}},
            ),
            "Citizenship": ({2018: 83.0, 2019: "#DIV/0!"}, {}),
        },
    },
    "UK": {"strands": {"Family Reunification": ({2019: 60.0}, {})}},
    "TU": {"strands": {"Health": ({2019: 120.0}, {})}},  # out of range: reported, skipped
    "Notes": {},
}


def test_mpg_country_codes_english_names_and_iso3_are_read():
    assert [country_code(c) for c in ("UK", "TU", "DEU", "Germany", "South Korea", "se")] == [
        "GB",
        "TR",
        "DE",
        "DE",
        "KR",
        "SE",
    ]


def test_a_workbook_gives_strands_overall_and_indicators_and_reports_bad_cells(tmp_path):
    read = read_workbook(write_workbook(tmp_path / "scores.xlsx", WORKBOOK), "test edition", SOURCE)
    strands = {(r.country, r.area, r.year): r.value for r in read.rows if not r.indicator}
    assert strands == {
        ("SE", "overall", 2014): 86.0,
        ("SE", "overall", 2019): 86.4,
        ("SE", "labour_market", 2018): 91.0,
        ("SE", "labour_market", 2019): 91.5,
        ("SE", "access_to_nationality", 2018): 83.0,  # 2019 is #DIV/0!: not scored
        ("GB", "family_reunion", 2019): 60.0,
    }
    indicators = {(r.indicator, r.year): (r.value, r.title) for r in read.rows if r.indicator}
    assert indicators == {
        ("aa1", 2018): (100, "Title of aa1"),
        ("aa1", 2019): (100, "Title of aa1"),
        ("aa3", 2018): (50, "Title of aa3"),
        ("aa3b", 2019): (75, "Title of aa3b"),  # its code from the Sub-indicator row
    }
    problems = dict(read.problems)
    assert any("[TU] row" in where and "120.0 is outside 0-100" in why for where, why in problems.items())
    assert any("[Notes]" in where and "not one of the 56 MIPEX countries" in why for where, why in problems.items())
    assert all("comment" not in str(r) for r in read.rows)  # coders' comments are never read


def test_scores_import_show_reimport_and_rebuild(cli, write, library_dir, db_url, tmp_path):
    workbook = write_workbook(tmp_path / "mipex.xlsx", WORKBOOK)
    result = cli("scores", "import", str(workbook), "--edition", "test edition", "--source", SOURCE)
    assert result.exit_code == 0, result.output
    assert "10 scores read: 10 added, 0 with a new value, 0 unchanged; 2 rows skipped" in result.output
    assert "[TU] row 11: 120.0 is outside 0-100" in result.output
    shown = cli("scores", "show", "Sweden").output
    assert "labour_market (test edition)" in shown and "92" in shown  # 91.5 rounds to 92
    tidy = write(
        "fix.csv",
        "iso3,area,year,score,edition,source\n"
        "SWE,labour_market,2019,90,test edition,a correction\n"
        "SWE,colour,2019,50,test edition,x\n"
        "Narnia,overall,2019,50,test edition,x\n"
        "SWE,family_reunion,2019,60,test edition,Migration Policy Group, MIPEX 2020\n",
    )
    again = cli("scores", "import", str(tidy))
    assert "1 scores read: 0 added, 1 with a new value, 0 unchanged; 3 rows skipped" in again.output
    assert "fix.csv:5: 7 cells where the header names 6 (a value with a comma needs quotes)" in again.output
    assert "fix.csv:3: 'colour' is not an area" in again.output
    assert "fix.csv:4: 'Narnia' is not one of the 56 MIPEX countries" in again.output
    scores_csv = (library_dir / "bib" / "scores" / "scores.csv").read_text()
    assert "SE,labour_market,2019,90.0,test edition,national,,,,a correction" in scores_csv
    assert (library_dir / "bib" / "scores" / "indicators.csv").exists()
    before = cli("scores", "show", "SE").output
    drop_store(library_dir, db_url)
    assert cli("scores", "show", "SE").output == before


def test_a_reimport_with_replace_removes_what_its_editions_no_longer_hold(cli, write, library_dir):
    header = "country,area,year,score,edition,indicator,title\n"
    first = header + "SE,health,2019,60,e1,indicator 4,Old name\nSE,health,2019,70,e1,,\nSE,overall,2019,80,e2,,\n"
    cli("scores", "import", str(write("first.csv", first)))
    corrected = header + "SE,health,2019,60,e1,bb28a,Entitlements\nSE,health,2019,71,e1,,\n"
    plain = cli("scores", "import", str(write("corrected.csv", corrected)))
    assert "2 scores read: 1 added, 1 with a new value, 0 unchanged; 0 rows skipped" in plain.output
    assert "indicator 4" in (library_dir / "bib" / "scores" / "indicators.csv").read_text()  # kept without --replace
    replaced = cli("scores", "import", str(write("corrected.csv", corrected)), "--replace")
    assert "2 scores read: 0 added, 0 with a new value, 2 unchanged, 1 removed; 0 rows skipped" in replaced.output
    indicators = (library_dir / "bib" / "scores" / "indicators.csv").read_text()
    assert "indicator 4" not in indicators and "bb28a" in indicators
    assert "SE,overall,2019,80.0,e2" in (library_dir / "bib" / "scores" / "scores.csv").read_text()  # another edition


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "country,area,year,score,edition\n", "no scores could be read"),
        (
            "columns.csv",
            "nation,area,year\nSE,overall,2019\n",
            "missing columns: country (or iso2/iso3), edition, score (or value)",
        ),
        (
            "latin1.csv",
            "country,area,year,score,edition\nSE,overall,2019,50,Éd\n".encode("latin-1"),
            "not a UTF-8 CSV file",
        ),
    ],
)
def test_score_file_mistakes_are_one_line(cli, write, name, content, message):
    result = cli("scores", "import", str(write(name, content)))
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


def test_an_unknown_country_to_show_is_one_line(cli, write):
    cli("scores", "import", str(write("a.csv", "country,area,year,score,edition\nSE,overall,2019,86,e\n")))
    result = cli("scores", "show", "Narnia")
    assert result.exit_code != 0 and "'Narnia' is not one of the 56 MIPEX countries" in result.output


def _hostile_workbooks(folder: Path) -> dict[str, Path]:
    """A cell at XFD1048576, a zip bomb (400 MB of one sheet), a truncated file, broken XML."""
    far = folder / "far.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SE"
    sheet["A1"] = "Overall Scores"
    sheet["XFD1048576"] = 1
    book.save(far)
    with zipfile.ZipFile(far) as source:
        members = {item.filename: source.read(item.filename) for item in source.infolist()}
    bomb, broken = folder / "bomb.xlsx", folder / "broken.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out, zipfile.ZipFile(broken, "w") as bad:
        for name, data in members.items():
            if name.endswith("sheet1.xml"):
                with out.open(name, "w") as stream:
                    for _ in range(400):
                        stream.write(b" " * (1 << 20))
                bad.writestr(name, b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row>")
            else:
                out.writestr(name, data)
                bad.writestr(name, data)
    truncated = folder / "truncated.xlsx"
    truncated.write_bytes(far.read_bytes()[:3000])
    return {"far": far, "bomb": bomb, "truncated": truncated, "broken": broken}


def test_hostile_workbooks_are_refused_in_one_line_within_bounds(cli, tmp_path):
    expected = {
        "far": "only the first 5,000 by 1,100 are read",
        "bomb": "it unpacks to 400 MB, more than a score workbook",
        "truncated": "not a readable workbook",
        "broken": "not a readable workbook",
    }
    for name, path in _hostile_workbooks(tmp_path).items():
        started = time.perf_counter()
        result = cli("scores", "import", str(path), "--edition", "2020")
        assert time.perf_counter() - started < 30, name  # was MemoryError after 51 s, 4.8 GB for the bomb
        assert result.exit_code == 1 and expected[name] in result.output, (name, result.output)
        assert "Traceback" not in result.output


def test_overall_only_tables_editions_drop_and_counts_that_add_up(cli, write, tmp_path):
    overall = write("overall.csv", "iso3,year,edition,overall_score\nSWE,2010,MIPEX III,83\nAUT,2010,MIPEX III,42\n")
    read = cli("scores", "import", str(overall))
    assert "2 scores read: 2 added" in read.output, read.output
    assert "overall (MIPEX III)" in cli("scores", "show", "SE").output
    variants = write(
        "variants.csv",
        "iso2,year,edition,overall_variant,score\n"
        "SE,2019,MIPEX 2020,with_health,86.4\nSE,2019,MIPEX 2020,without_health,88\n"
        "SE,2019,MIPEX 2020,with_health,86.4\n",
    )
    counted = cli("scores", "import", str(variants)).output
    assert "2 scores read: 1 added, 0 with a new value, 0 unchanged, 1 repeated in the file" in counted
    assert "1 rows of overall_variant 'without_health' (the overall score is 'with_health') set aside" in counted
    bare = write("bare.csv", "country,year,edition,score\nSE,2019,MIPEX 2020,70\n")
    assert "missing columns: area" in cli("scores", "import", str(bare)).output
    assert "1 with a new value" in cli("scores", "import", str(bare), "--area", "overall").output
    again = cli("scores", "import", str(bare), "--area", "overall", "--source", "MPG")
    assert "0 with a new value, 0 unchanged, 1 with a new source or title" in again.output  # not "changed"
    book = write_workbook(tmp_path / "mipex.xlsx", WORKBOOK)
    unnamed = cli("scores", "import", str(book))
    assert unnamed.exit_code == 1 and "name the edition the workbook holds" in unnamed.output
    assert "MIPEX 2020; MIPEX III" in unnamed.output  # the editions to choose from
    assert "removed 2 scores of edition 'MIPEX III'" in cli("scores", "drop", "MIPEX III", "--yes").output
    assert "MIPEX III" not in cli("scores", "show").output
    assert cli("scores", "drop", "MIPEX III", "--yes").exit_code == 1
