"""Every mistake can be undone: `history` numbers each change, `undo` takes any back by a
new logged decision (itself undoable), an import is withdrawn whole, and a file read as
the wrong format is read again the right way. The store after an undo is the store a
rebuild from `bib/` gives."""

from __future__ import annotations

from tracker.library import Library

from .conftest import drop_store

FIRST = """@article{kogan2016,
  author = {Kogan, Irena}, title = {Integration policies and life satisfaction}, year = {2016},
  journal = {Journal of Ethnic and Migration Studies}, doi = {10.1080/1369183X.2016.1152174}
}
@article{weber2019,
  author = {Weber, Anna}, title = {Access to health care for immigrants in Germany}, year = {2019},
  journal = {Social Science and Medicine}
}
"""
SECOND = """@article{kogan2016dup,
  author = {Kogan, I.}, title = {Integration Policies and Life Satisfaction}, year = {2016},
  journal = {J Ethn Migr Stud}, doi = {10.1080/1369183x.2016.1152174}, abstract = {It uses MIPEX.}
}
@article{other2020,
  author = {Other, Olga}, title = {Something else entirely}, year = {2020}
}
"""


def _picture(library: Library) -> tuple[str, list[tuple[str, str]], int]:
    return library.export("bibtex"), [(v.key, v.screening.status) for v in library.views()], library.status().studies


def test_every_change_is_numbered_and_each_can_be_taken_back_and_brought_back(library, write, db_url, library_dir):
    library.import_files([write("first.bib", FIRST)])
    library.merge(["kogan2016", "weber2019"])  # a tired curator's wrong merge
    library.edit("kogan2016", {"year": "2017"})
    library.change_tags("kogan2016", ["+country:SE"])
    library.screen("kogan2016", "exclude", "n")
    changes = library.history()
    assert [c.action for c in changes] == ["import", "merge", "edit", "tag", "screen"]
    assert [c.number for c in changes] == [1, 2, 3, 4, 5]
    assert changes[1].description == "merged kogan2016, weber2019"

    assert library.undo(2).action == "merge"  # the wrong merge, long after
    assert sorted(v.key for v in library.views()) == ["kogan2016", "weber2019"]
    kogan = library.views(["kogan2016"])[0]
    assert kogan.fields["year"] == "2017" and "SE" in kogan.tags.get("country", {})  # later changes stand
    assert kogan.screening.status == "excluded"
    library.undo()  # the last change in force, not counting the undo: the screening answer
    assert library.views(["kogan2016"])[0].screening.status != "excluded"
    library.undo(3)
    assert library.views(["kogan2016"])[0].fields["year"] == "2016"

    history = library.history()
    assert [c.undone for c in history] == [False, True, True, False, True, False, False, False]
    assert history[5].description == "undid change 2 (merged kogan2016, weber2019)"
    library.undo(6)  # undo the undo: merged again
    assert [v.key for v in library.views()] == ["kogan2016"]
    before = _picture(library)
    drop_store(library_dir, db_url)
    assert _picture(Library(library_dir, db_url)) == before  # the store is what bib/ rebuilds


def test_a_wrong_import_is_withdrawn_whole_and_can_be_imported_again(library, write):
    library.import_files([write("first.bib", FIRST)])
    second = write("second.bib", SECOND)
    library.import_files([second])
    library.dedupe()
    assert sorted(v.key for v in library.views()) == ["kogan2016", "other2020", "weber2019"]
    assert "abstract" in library.views(["kogan2016"])[0].fields
    withdrawn = library.undo(2)  # the import, though a dedupe came after it
    assert withdrawn.action == "import"
    assert sorted(v.key for v in library.views()) == ["kogan2016", "weber2019"]
    kogan = library.views(["kogan2016"])[0]
    assert "abstract" not in kogan.fields and [r.key for r in kogan.records] == ["kogan2016"]
    status = library.status()
    assert (status.sources, status.records, status.studies) == (1, 2, 2)
    assert [c.undone for c in library.history()][:2] == [False, True]
    again = library.import_files([second])  # not "already imported": it was withdrawn
    assert again.added == 2 and again.files[0].already_imported_as is None
    assert "other2020" in [v.key for v in library.views()]  # its key is free again, not other2020-2


def test_a_file_read_as_the_wrong_format_is_read_again_the_right_way(cli, write):
    text = "@article{novak2022,\n  author = {Novak, Ana},\n  title = {MIPEX}, year = {2022}\n}\nTY  - JOUR\n"
    mixed = write("mixed.bib", text)
    wrong = cli("import", "--format", "ris", str(mixed))  # read as RIS: one failed entry
    assert "no closing 'ER  -' line" in wrong.output
    again = cli("import", str(mixed))
    assert "already imported" in again.output and "import it again with --format or --encoding" in again.output
    right = cli("import", "--format", "bibtex", str(mixed))
    assert right.exit_code == 0, right.output
    assert "read as ris in utf-8, is withdrawn: this one replaces it" in right.output
    assert "novak2022 (article)" in cli("show", "novak2022").output
    assert "mixed.bib" not in cli("failures").output
    listed = cli("history").output
    assert "withdrew change 1 (imported" in listed and "(undone)" in listed


def test_undo_shows_the_change_and_asks_first(cli, write):
    cli("import", str(write("first.bib", FIRST)))
    cli("merge", "kogan2016", "weber2019")
    declined = cli("undo", input="n\n")
    assert "will take back change 2: merged kogan2016, weber2019" in declined.output
    assert "nothing changed" in declined.output
    assert "weber2019" not in cli("export", "--format", "csv").output.split("kogan2016")[0]
    taken = cli("undo", input="y\n")
    assert taken.exit_code == 0 and "took back change 2" in taken.output
    assert cli("show", "weber2019").output.startswith("weber2019")
    for mistake, expected in (
        (["undo", "9"], "no change 9: the history has 1 to 3"),
        (["undo", "2", "--yes"], "is already undone: undo change 3 to bring it back"),
    ):
        result = cli(*mistake)
        assert result.exit_code == 1 and expected in result.output, result.output


def test_decisions_from_two_curators_merged_by_git_stay_on_their_own_entries(tmp_path, write):
    """Both imported an entry keyed x2020 and edited it; in the merged library one entry
    becomes x2020-2, and its curator's edit follows it there (with a word), not A's."""
    import json
    import shutil

    paper_a = write("a.bib", "@article{x2020, title = {Paper of curator A}, year = {2020}}\n")
    paper_b = write("b.bib", "@article{x2020, title = {Paper of curator B}, year = {2020}}\n")
    libraries = {}
    for name, paper in (("a", paper_a), ("b", paper_b)):
        library = Library(tmp_path / name)
        library.import_files([paper])
        library.edit("x2020", {"note": f"checked by {name.upper()}"})
        libraries[name] = library
    merged = tmp_path / "merged" / "bib"
    shutil.copytree(tmp_path / "a" / "bib", merged)  # what a git merge of B into A gives:
    shutil.copytree(tmp_path / "b" / "bib" / "sources", merged / "sources", dirs_exist_ok=True)
    imports = json.loads((merged / "imports.json").read_text())
    imports.append({**json.loads((tmp_path / "b" / "bib" / "imports.json").read_text())[0], "seq": 2})
    (merged / "imports.json").write_text(json.dumps(imports))
    decisions = json.loads((merged / "decisions.json").read_text())
    theirs = json.loads((tmp_path / "b" / "bib" / "decisions.json").read_text())["decisions"][0]
    decisions["decisions"].append({**theirs, "seq": 2, "after_import": 2})
    (merged / "decisions.json").write_text(json.dumps(decisions))
    (merged / "library.bib").unlink()
    said: list[str] = []
    library = Library(tmp_path / "merged")
    library.on_notice = said.append
    notes = {v.key: (v.fields["title"], v.fields.get("note")) for v in library.views()}
    assert notes == {
        "x2020": ("Paper of curator A", "checked by A"),
        "x2020-2": ("Paper of curator B", "checked by B"),
    }
    assert any("decision 2 (edit) named 'x2020'; that entry is 'x2020-2'" in line for line in said), said
