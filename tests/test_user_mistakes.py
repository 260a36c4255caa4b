"""Every mistake a user can make with a file: one line, a non-zero exit, no traceback,
and the store unchanged (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest

from .conftest import FIXTURES, drop_store

MISTAKES = {
    "missing": (None, "no such file"),
    "folder": ("<folder>", "is a folder"),
    "empty.bib": (b"", "the file is empty"),
    "blank.bib": (b"   \n\n", "the file is empty"),
    "binary.bib": (bytes(range(256)) * 40, "binary"),
    "random.bin": (os.urandom(4096).replace(b"\x00", b"\x01"), ""),
    "nul.bib": (b"@article{a, title={x}}\x00\x00\x00", "binary"),
    "notes.dat": (b"just some words\nin a file of unknown kind\n", "unknown format"),
    "nothing.bib": (b"% only a comment, no entries\n", "no bibtex entries"),
    "broken.json": (b'{"id": "a", "title": ', "not valid JSON"),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_file_that_cannot_be_imported_gives_one_line_and_exit_1(cli, tmp_path, name):
    content, expected = MISTAKES[name]
    path = tmp_path / name
    if content == "<folder>":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    result = cli("import", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    message = next(line for line in lines if (name in line or "missing" in line) and "│" not in line)
    assert expected.lower() in message.lower()


def test_a_truncated_entry_is_kept_as_failed_and_the_rest_imports(cli, write):
    path = write("truncated.bib", "@article{ok, title={Fine}, year=2020}\n@article{cut, title={Cut off in the mid")
    result = cli("import", str(path))
    assert result.exit_code == 0
    assert "truncated.bib:2:" in result.output
    assert "Traceback" not in result.output
    assert "ok" in cli("export").output


def test_a_file_with_only_a_truncated_entry_exits_1_but_keeps_it(cli, write):
    result = cli("import", str(write("only.bib", "@article{cut, title={Cut off")))
    assert result.exit_code == 1
    assert "only.bib:1:" in result.output
    assert "[cut]" in cli("failures").output


def test_good_files_import_even_when_another_is_missing(cli):
    result = cli("import", str(FIXTURES / "zotero.json"), "no-such.bib")
    assert result.exit_code == 1
    assert "error: no-such.bib: no such file" in result.output
    assert "pandoc2018" in cli("export").output


def test_unknown_key_and_unknown_database_are_one_line(cli, library_dir):
    cli("import", str(FIXTURES / "zotero.json"))
    result = cli("show", "nobody2099")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no study with key 'nobody2099' (see `mipex-tracker export` for the keys)"


def test_reading_an_empty_folder_says_there_is_no_library(tmp_path):
    from click.testing import CliRunner

    from tracker.cli import main

    result = CliRunner().invoke(main, ["--library", str(tmp_path), "status"])
    assert result.exit_code == 1
    assert "no library in" in result.output


def test_an_unreachable_database_is_one_line(tmp_path):
    from click.testing import CliRunner

    from tracker.cli import main

    url = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(
        main, ["--library", str(tmp_path), "--db", url, "import", str(FIXTURES / "zotero.json")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1


def test_an_unsupported_database_url_is_one_line(tmp_path):
    from click.testing import CliRunner

    from tracker.cli import main

    result = CliRunner().invoke(main, ["--library", str(tmp_path), "--db", "mysql://u@h/db", "status"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: unsupported database URL mysql://")


def test_postgresql_without_its_driver_says_what_to_install(tmp_path, monkeypatch):
    import sys

    from click.testing import CliRunner

    from tracker.cli import main

    for name in [
        m for m in sys.modules if m == "psycopg" or m.startswith(("psycopg.", "sqlalchemy.dialects.postgresql"))
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    result = CliRunner().invoke(main, ["--library", str(tmp_path), "--db", "postgresql://u@h/db", "status"])
    assert result.exit_code == 1
    assert "pip install 'mipex-tracker[postgres]'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["imports.json", "decisions.json", "tags.json", "scores/scores.csv"])
def test_git_conflict_markers_left_in_bib_are_named_with_what_to_do(cli, write, library_dir, db_url, name):
    if db_url:
        pytest.skip("a shared PostgreSQL store is the truth: it is never rebuilt from a clone's bib/")
    assert cli("import", str(write("a.bib", "@article{a, title={Integration policy and MIPEX}}"))).exit_code == 0
    cli("tag")
    cli("screen", "a", "include")
    if name.startswith("scores"):
        (library_dir / "bib" / "scores").mkdir(exist_ok=True)
        (library_dir / "bib" / name).write_text("country,area,year,score,edition,source\nSE,overall,2019,86,e,test\n")
    path = library_dir / "bib" / name
    lines = path.read_text().splitlines()
    lines[1:1] = ["<<<<<<< HEAD", "=======", ">>>>>>> theirs"]
    path.write_text("\n".join(lines) + "\n")
    result = cli("status")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{name}:2: a git merge left a conflict here" in result.output and "delete the markers" in result.output


def test_a_mistyped_key_field_or_folder_is_refused_with_the_near_one(cli, write, tmp_path):
    assert cli("import", str(write("a.bib", "@article{hainmueller2015, title={T}, year={2015}}"))).exit_code == 0
    typo = cli("show", "hainmueler2015")
    assert typo.exit_code == 1 and "did you mean hainmueller2015?" in typo.output
    field = cli("edit", "hainmueller2015", "yaer=2019")
    assert field.exit_code == 1 and "did you mean 'year'?" in field.output and "--new-field" in field.output
    assert "yaer" not in cli("export").output  # nothing stored
    assert cli("edit", "hainmueller2015", "mipex-checked=yes", "--new-field").exit_code == 0
    absent = cli("edit", "hainmueller2015", "--remove", "abstract")
    assert absent.exit_code == 1 and "has no field 'abstract'" in absent.output
    folder = cli("export", "-o", str(tmp_path / "missing" / "out.bib"))
    assert folder.exit_code == 1 and "no such folder" in folder.output
    assert not (tmp_path / "missing").exists()


def test_utf8_with_a_few_stray_bytes_is_utf8_each_stray_byte_reported(cli, write, library_dir, db_url):
    entries = "".join(
        f"@article{{k{i}, author = {{Ünal, Ayşe and Müller, Jürgen}}, title = {{Integração e políticas {i}}},"
        " year = {2020}}\n"
        for i in range(300)
    )
    data = entries.encode().replace("Integração e políticas 17}".encode(), b"Integra\xe7\xe3o e pol\xc3\xadticas 17}")
    path = write("stray.bib", data)
    imported = cli("import", str(path))
    assert imported.exit_code == 0, imported.output
    assert "stray.bib:18: warning: byte 0xE7 is not UTF-8" in imported.output
    assert "stray.bib:18: warning: byte 0xE3 is not UTF-8" in imported.output
    assert "title: Integração e políticas 18" in cli("show", "k18").output  # not cp775 mojibake
    assert "title: Integra\ufffd\ufffdo e políticas 17" in cli("show", "k17").output
    drop_store(library_dir, db_url)
    assert "title: Integração e políticas 299" in cli("show", "k299").output  # a rebuild reads it the same way
    forced = cli("import", "--encoding", "utf-8", str(path))
    assert (
        forced.exit_code == 1 and "is not utf-8: bytes that cannot be decoded at line 18 (byte 0xE7)" in forced.output
    )
    latin = cli("import", "--encoding", "cp1252", str(path))  # the curator corrects the reading
    assert "is withdrawn: this one replaces it" in latin.output, latin.output
    assert "Ã¼" in cli("show", "k18").output  # what cp1252 makes of it, as asked


def test_a_hand_edit_of_library_bib_is_noticed_and_kept_never_lost(cli, write, library_dir):
    cli("import", str(FIXTURES / "zotero.json"))
    library_bib = library_dir / "bib" / "library.bib"
    edited = library_bib.read_text().replace("Citizenship and belonging", "Citizenship, edited by hand")
    library_bib.write_text(edited)
    noticed = cli("status")
    assert "bib/library.bib was edited by hand: the tracker does not read it" in noticed.output
    changed = cli("edit", "pandoc2018", "year=2019")
    assert changed.exit_code == 0 and "your version is kept as bib/library.bib.hand-edited" in changed.output
    assert (library_dir / "bib" / "library.bib.hand-edited").read_text() == edited
    assert "Citizenship and belonging" in library_bib.read_text()  # written from the store again
    assert "edited by hand" not in cli("status").output  # said once, then quiet
