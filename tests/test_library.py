"""The store and its text image, through the library API and the CLI (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import drop_store
from tracker.library import Library

from .conftest import FIXTURES


def _import_all(cli):  # type: ignore[no-untyped-def]
    return cli(
        "import", *(str(FIXTURES / n) for n in ("awkward.bib", "scopus-like.ris", "zotero.json", "abstracts.md"))
    )


def test_import_reports_each_failure_as_file_line_reason(cli):
    result = _import_all(cli)
    assert result.exit_code == 0, result.output
    assert "awkward.bib:50:" in result.output
    assert "scopus-like.ris:32: entry has no closing 'ER  -' line" in result.output
    assert "abstracts.md:8: no abstract under the title" in result.output


def test_status_counts_sources_records_studies_and_failures(cli):
    _import_all(cli)
    result = cli("status")
    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in result.output.splitlines()
        if line.count("│") == 3
    }
    assert rows["sources (imported files)"] == "4"
    assert rows["records (entries read)"] == "17"
    assert rows["of which failed"] == "3"
    assert rows["of which pasted abstracts"] == "2"
    assert rows["studies"] == "13"


def test_pasted_abstract_attaches_to_the_matching_record_or_becomes_a_study(cli):
    result = _import_all(cli)
    assert "abstracts.md:1: abstract attached to chapter2020 (Naturalisation Rules)" in result.output
    assert "abstracts.md:5: no record titled like this abstract: stored as new study studynobody" in result.output
    shown = cli("show", "chapter2020")
    assert "abstract: This abstract belongs to the chapter with the same title. It spans two lines." in shown.output
    assert "(pasted abstract)" in shown.output


def test_part_one_abstract_does_not_attach_to_part_two(cli, write):
    cli("import", str(write("parts.bib", "@article{p2, title={Integration policy in Europe: Part II}, year=2020}")))
    result = cli("import", str(write("abs.md", "Integration policy in Europe: Part I\nAn abstract of part one.")))
    assert "stored as new study" in result.output
    assert "attached" not in result.output


def test_reimport_adds_nothing_and_says_so(cli):
    _import_all(cli)
    before = cli("export").output
    again = _import_all(cli)
    assert again.output.count("already imported") == 4
    assert cli("export").output == before


def test_changed_file_adds_only_what_is_new(cli, write):
    first = "@article{a, title={A}, year=2001}\n@article{b, title={B}, year=2002}\n"
    path = write("grows.bib", first)
    cli("import", str(path))
    path.write_text(first + "@article{c, title={C}, year=2003}\n")
    result = cli("import", str(path))
    row = next(line for line in result.output.splitlines() if "grows.bib" in line)
    assert [cell.strip() for cell in row.split("│")[4:7]] == ["3", "1", "2"]  # entries, added, unchanged
    keys = [line for line in cli("export").output.splitlines() if line.startswith("@")]
    assert keys == ["@article{a,", "@article{b,", "@article{c,"]


def test_export_to_a_file_writes_the_data_model_beside_it_and_a_classic_flavour_on_request(cli, tmp_path):
    _import_all(cli)
    written = cli("export", "-o", str(tmp_path / "refs.bib"))
    assert written.exit_code == 0 and "datamodel=mipex" in written.output
    assert (tmp_path / "mipex.dbx").read_text().count("mipex-use") == 2  # declared, and allowed in every entry
    classic = cli("export", "--flavour", "bibtex").output
    assert "@techreport{" in classic or "@article{" in classic
    assert "\n  date = " not in classic and "@thesis{" not in classic and "@online{" not in classic
    refused = cli("export", "--format", "ris", "--flavour", "bibtex")
    assert refused.exit_code != 0 and "a flavour is BibTeX's" in refused.output
    assert "Traceback" not in refused.output


def test_show_gives_fields_records_and_provenance(cli):
    _import_all(cli)
    result = cli("show", "unal2019")
    assert result.exit_code == 0
    assert "title: Integration Policy and 59% of Migrants" in result.output
    assert "awkward.bib:5" in result.output
    assert "author: Ünal, Ayşe; van der Berg, Jan; Smith, John; Migration Policy Group" in result.output


def test_failures_lists_the_failed_entries_with_their_text(cli):
    _import_all(cli)
    result = cli("failures", "--raw")
    assert "awkward.bib:50: [broken2020]" in result.output
    assert "This entry is never closed" in result.output


def test_cached_entries_equal_a_fresh_rendering_after_abstracts_attach(library):
    from tracker.export import write_bibtex

    library.import_files([FIXTURES / n for n in ("awkward.bib", "scopus-like.ris", "zotero.json", "abstracts.md")])
    fresh = write_bibtex(library.views())
    assert library.export("bibtex") == fresh
    assert "This abstract belongs to the chapter" in fresh
    assert library.paths.library_bib.read_text(encoding="utf-8") == fresh


def test_text_image_is_written_and_deterministic(cli, library_dir):
    _import_all(cli)
    bib = library_dir / "bib"
    manifest = json.loads((bib / "imports.json").read_text())
    assert [m["format"] for m in manifest] == ["bibtex", "ris", "csljson", "abstracts"]
    for item in manifest:
        assert (bib / item["file"]).exists()
    text = (bib / "library.bib").read_text()
    assert text.index("@article{miller2021family") < text.index("@article{unal2019,")
    assert text == cli("export").output


def test_store_deleted_is_rebuilt_from_bib_with_the_same_content(cli, library_dir, db_url):
    _import_all(cli)
    status_before = cli("status").output
    export_before = cli("export", "--format", "csljson").output
    failures_before = cli("failures").output
    show_before = cli("show", "miller2021family").output
    drop_store(library_dir, db_url)
    assert cli("status").output == status_before
    assert cli("export", "--format", "csljson").output == export_before
    assert cli("failures").output == failures_before
    assert cli("show", "miller2021family").output == show_before


def test_store_of_an_older_schema_is_rebuilt(cli, library_dir, db_url):
    _import_all(cli)
    before = cli("export").output
    library = Library(library_dir, db_url)
    with library.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE meta SET value = '0' WHERE name = 'schema_version'"))
        connection.execute(text("DELETE FROM record"))
    assert cli("export").output == before


def test_a_fresh_clone_with_only_library_bib_builds_its_store(tmp_path, cli):
    _import_all(cli)
    exported = cli("export").output
    clone = tmp_path / "clone"
    (clone / "bib").mkdir(parents=True)
    (clone / "bib" / "library.bib").write_text(exported)
    library = Library(clone)
    assert library.status().studies == 13
    assert library.export("bibtex") == exported


def test_export_filters_by_key_and_year(cli):
    _import_all(cli)
    one = cli("export", "--key", "unal2019", "--format", "csljson")
    assert [item["id"] for item in json.loads(one.output)] == ["unal2019"]
    years = cli("export", "--year", "2021", "--format", "csv")
    assert [row.split(",")[0] for row in years.output.splitlines()[1:]] == [
        "after2021",
        "miller2021family",
        "unal2019-2",
    ]


def test_export_to_file(cli, tmp_path):
    _import_all(cli)
    target = tmp_path / "out.ris"
    result = cli("export", "--format", "ris", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith("TY  - ")


def test_the_environment_variable_puts_the_store_elsewhere(library_dir, db_url, monkeypatch):
    from click.testing import CliRunner

    from tracker.cli import main
    from tracker.config import DB_URL_VARIABLE

    if db_url is None:
        db_url = f"sqlite:///{library_dir.parent / 'elsewhere.sqlite'}"
    monkeypatch.setenv(DB_URL_VARIABLE, db_url)
    runner = CliRunner()
    assert runner.invoke(main, ["--library", str(library_dir), "import", str(FIXTURES / "zotero.json")]).exit_code == 0
    status = runner.invoke(main, ["--library", str(library_dir), "status"]).output
    shown = db_url.split("://", 1)[1].split("@")[-1]
    assert shown in status
    assert not (library_dir / ".tracker" / "library.sqlite").exists()


def test_a_long_import_reports_progress_with_counts(library, write):
    from tracker.synthetic import bibtex_library

    class Recorder:
        def __init__(self, total: int) -> None:
            self.total, self.done, self.closed = total, 0, False

        def advance(self, count: int) -> None:
            self.done += count

        def close(self) -> None:
            self.closed = True

    bars: list[Recorder] = []

    def start(total: int) -> Recorder:
        bars.append(Recorder(total))
        return bars[-1]

    library.import_files([write("many.bib", bibtex_library(1200))], progress=start)
    assert [(b.total, b.done, b.closed) for b in bars] == [(1200, 1200, True)]


def test_the_progress_bar_draws_counts_in_a_terminal():
    import io

    from rich.console import Console

    from tracker.cli.library_commands import _storing_bar

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    bar = _storing_bar(console, 1000)
    bar.advance(250)
    bar.progress.refresh()
    bar.close()
    assert "250/1000" in stream.getvalue()


def test_a_guessed_encoding_is_reported(cli, write):
    text = "@article{k, title={Études sur l'intégration à Genève}, author={Müller, Jürgen}}\n" * 3
    result = cli("import", str(write("legacy.bib", text.encode("latin-1"))))
    assert result.exit_code == 0
    assert "legacy.bib: encoding guessed as" in result.output
    assert "Études" in cli("export").output


def test_a_store_behind_a_pulled_bib_is_rebuilt(tmp_path):
    """A teammate's imports arrive in bib/ by `git pull`: the personal store catches up."""
    teammate, mine = tmp_path / "teammate", tmp_path / "mine"
    Library(teammate).import_files([FIXTURES / "zotero.json"])
    shutil.copytree(teammate / "bib", mine / "bib")
    assert Library(mine).status().studies == 2
    Library(teammate).import_files([FIXTURES / "scopus-like.ris"])
    shutil.rmtree(mine / "bib")
    shutil.copytree(teammate / "bib", mine / "bib")  # the pull
    status = Library(mine).status()
    assert (status.sources, status.studies) == (2, 4)
    assert Library(mine).export("bibtex") == Library(teammate).export("bibtex")


def test_reading_does_not_rebuild_a_store_that_is_up_to_date(library_dir, write, monkeypatch):
    Library(library_dir).import_files([write("one.bib", "@article{one, title={One}}")])

    def no_replay(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the store was rebuilt")

    monkeypatch.setattr(Library, "_replay_image", no_replay)
    assert Library(library_dir).status().studies == 1
    (library_dir / "bib" / "imports.json").write_text("[]\n")  # bib/ changed outside the tracker
    with pytest.raises(AssertionError, match="rebuilt"):
        Library(library_dir).status()


def test_list_finds_studies_by_words_year_tag_and_status(cli, write):
    cli("import", str(FIXTURES / "zotero.json"), str(FIXTURES / "awkward.bib"))
    cli("tag", "pandoc2018", "+area:health")
    found = cli("list", "integration")
    lines = found.output.splitlines()
    assert lines[-1] == "2 studies"
    assert lines[0].startswith("unal2019  2019  [")  # title words first, then newest
    assert "pandoc2018  2018" in found.output and "Citizenship" not in found.output
    assert cli("list", "--tag", "area:health").output.splitlines() == [
        "pandoc2018  2018  [undecided]  Integration policies: who benefits?",
        "1 study",
    ]
    assert "0 studies" in cli("list", "integration", "--year", "1999").output
    assert cli("list", "--status", "included", "berg").output.endswith(
        "Integration Policy and 59% of Migrants\n1 study\n"
    )
    wrong = cli("list", "--tag", "area:nowhere")
    assert wrong.exit_code == 1 and "'nowhere' is not one of the area codes" in wrong.output
