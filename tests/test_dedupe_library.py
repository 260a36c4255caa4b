"""Deduplication on a library: merges in the store, decisions, review, rebuilds.

Every test runs on SQLite and on PostgreSQL (see conftest). The records are written the
way the sources write them: a journal's own export, a Web of Science copy in capitals
with initials and an abbreviated venue, an IZA discussion paper of the same work.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import drop_store
from tracker.library import Library

KOGAN = """
@article{kogan2016,
  author = {Kogan, Irena and Shen, Jing and Siegert, Manuel},
  title = {What makes a satisfied immigrant? Host-country characteristics and immigrants' life satisfaction},
  journal = {Journal of Ethnic and Migration Studies},
  year = {2016}, volume = {42}, number = {11}, pages = {1783--1809},
  doi = {10.1080/1369183X.2016.1152174}
}
"""
KOGAN_WOS = r"""
@article{WOS000379,
  author = {KOGAN, I. and SHEN, J. and SIEGERT, M.},
  title = {WHAT MAKES A SATISFIED IMMIGRANT? HOST-COUNTRY CHARACTERISTICS AND IMMIGRANTS' LIFE SATISFACTION},
  journal = {J. Ethn. Migr. Stud.},
  year = {2016}, volume = {42}, number = {11}, pages = {1783-1809}
}
"""
KOGAN_WP = """
@techreport{koganwp2014,
  author = {Kogan, Irena and Shen, Jing and Siegert, Manuel},
  title = {What makes a satisfied immigrant? Host-country characteristics and immigrants' life satisfaction},
  institution = {Institute for the Study of Labor (IZA)}, type = {Discussion Paper}, number = {8450},
  year = {2014}
}
"""
REVIEWS = """
@article{reviews2019a,
  author = {Editors, The},
  title = {Book reviews}, journal = {International Migration Review}, year = {2019}, volume = {53}, pages = {301--330}
}
@article{reviews2019b,
  author = {Editors, The},
  title = {Book reviews}, journal = {International Migration Review}, year = {2019}, volume = {53}, pages = {612--640}
}
"""
#: One title, authors and year under two DOIs (a Cochrane-style update): never merged by itself.
TWO_DOIS = """
@article{giannoni2016a,
  author = {Giannoni, Margherita and Franzini, Luisa and Masiero, Giuliano},
  title = {Migrant integration policies and health inequalities in Europe},
  journal = {BMC Public Health}, year = {2016}, volume = {16}, pages = {463},
  doi = {10.1186/s12889-016-3095-9}
}
@article{giannoni2016b,
  author = {Giannoni, Margherita and Franzini, Luisa and Masiero, Giuliano},
  title = {Migrant integration policies and health inequalities in Europe},
  journal = {BMC Public Health}, year = {2016}, volume = {16}, pages = {463},
  doi = {10.1186/s12889-016-3095-0}
}
"""
#: Between the two DOIs, a copy without one: it may join one of them, never both.
TWO_DOIS_BRIDGE = """
@article{giannoni2016c,
  author = {Giannoni, M. and Franzini, L. and Masiero, G.},
  title = {Migrant integration policies and health inequalities in Europe},
  journal = {BMC Public Health}, year = {2016}, volume = {16}, pages = {463}
}
"""
BORDERLINE = """
@article{brown2020,
  author = {Brown, Amy},
  title = {Citizenship regimes and naturalisation rates},
  journal = {Comparative Migration Studies}, year = {2020}, volume = {8}, pages = {1--20}
}
@article{brown2020b,
  author = {Brown, A.},
  title = {Citizenship regimes and naturalization rates in Europe},
  journal = {Comparative Migration Studies}, year = {2020}
}
"""
SOLOS = """
@article{ruhs2018,
  author = {Ruhs, Martin},
  title = {Labor immigration policies in high-income countries: variations across political regimes},
  journal = {Migration Studies}, year = {2018}
}
"""


def _import(cli, write, name: str, *texts: str):  # type: ignore[no-untyped-def]
    result = cli("import", str(write(name, "\n".join(texts))))
    assert result.exit_code == 0, result.output
    return result


def _study_keys(library: Library) -> dict[str, list[str]]:
    """Each study's key and its records' keys."""
    return {v.key: sorted(r.key for r in v.records if r.key) for v in library.views()}


def test_dedupe_merges_certain_duplicates_and_keeps_every_record(cli, write, library):
    _import(cli, write, "a.bib", KOGAN, REVIEWS, SOLOS)
    _import(cli, write, "b.bib", KOGAN_WOS, KOGAN_WP)
    before = library.status()
    result = cli("dedupe")
    assert result.exit_code == 0, result.output
    assert "merged automatically: 2 pairs" in result.output
    assert "studies: 6 -> 4" in result.output
    after = library.status()
    assert after.records == before.records  # merging never deletes
    studies = _study_keys(library)
    assert studies["kogan2016"] == ["WOS000379", "kogan2016", "koganwp2014"]
    assert "reviews2019a" in studies and "reviews2019b" in studies  # same title, other pages
    exported = cli("export", "--key", "koganwp2014").output  # a record's key finds its study
    assert "@article{kogan2016," in exported
    assert "ids = {WOS000379, koganwp2014}" in exported


def test_the_study_takes_the_published_and_most_complete_fields(cli, write, library):
    _import(cli, write, "wos.bib", KOGAN_WP, KOGAN_WOS)  # the preprint and the capitals come first
    _import(cli, write, "journal.bib", KOGAN)
    cli("dedupe")
    (view,) = library.views(["koganwp2014"])
    assert view.key == "koganwp2014"  # the earliest record keeps its key
    assert view.entry_type == "article"
    assert view.fields["container"] == "Journal of Ethnic and Migration Studies"
    assert view.field_sources["container"] == "kogan2016"
    assert view.fields["title"].startswith("What makes a satisfied immigrant?")
    assert view.fields["year"] == "2016"  # the published year, not the working paper's
    assert view.fields["doi"] == "10.1080/1369183X.2016.1152174"
    assert "institution" not in view.fields  # where the preprint appeared is not mixed in
    assert [a.given for a in view.authors] == ["Irena", "Jing", "Manuel"]
    assert view.early_versions == [("koganwp2014", "discussion paper")]
    shown = cli("show", "kogan2016").output
    assert "koganwp2014 is an early version (discussion paper)" in shown
    assert "an early version (discussion paper) and its published version" in shown


def test_show_says_why_records_were_merged(cli, write):
    _import(cli, write, "a.bib", KOGAN, KOGAN_WOS)
    cli("dedupe")
    shown = cli("show", "WOS000379").output
    assert "why these records are one study:" in shown
    assert "merged automatically (dedupe)" in shown
    assert "kogan2016 + WOS000379" in shown
    assert "title 100, 3/3 authors, same year, same volume, pages, venue (abbreviated)" in shown


def test_different_dois_are_queued_never_merged_and_the_cluster_is_guarded(cli, write, library):
    _import(cli, write, "a.bib", TWO_DOIS, TWO_DOIS_BRIDGE)
    result = cli("dedupe")
    assert result.exit_code == 0, result.output
    studies = _study_keys(library)
    together = [members for members in studies.values() if len(members) > 1]
    assert len(together) == 1 and "giannoni2016c" in together[0]  # the bridge joins one DOI only
    assert not {"giannoni2016a", "giannoni2016b"} <= set(together[0])
    listed = cli("review", "--list").output
    assert "1 pairs waiting for review" in listed  # one pair per pair of studies
    assert "judged a different work" in listed  # the held-back merge, with its reason


def test_review_list_prints_the_queue_for_scripts(cli, write):
    _import(cli, write, "a.bib", BORDERLINE, SOLOS)
    cli("dedupe")
    listed = cli("review", "--list")
    assert listed.exit_code == 0
    assert "1 pairs waiting for review" in listed.output
    assert "brown2020 ~ brown2020b  score 88" in listed.output
    assert "brown2020b (2020): Citizenship regimes and naturalization rates in Europe" in listed.output


def test_review_shows_both_records_and_saves_each_answer_at_once(cli, write, library):
    _import(cli, write, "a.bib", BORDERLINE, TWO_DOIS)
    cli("dedupe")
    assert len(library.review_queue()) == 2
    result = cli("review", input="xs" + "q")  # a wrong key, then "same", then quit
    assert result.exit_code == 0, result.output
    assert "pair 1 of 2" in result.output
    assert "'x' is not an answer" in result.output
    assert "saved:" in result.output and "one study" in result.output
    assert "1 answered; 1 waiting" in result.output
    assert "pair 2 of 2" not in result.output.split("saved:")[0]
    queue = library.review_queue()
    assert len(queue) == 1  # the second pair is still waiting
    decisions = json.loads((library.paths.decisions).read_text())
    assert [d["by"] for d in decisions["decisions"]] == ["curator"]
    assert len(decisions["review"]) == 1


def test_review_side_by_side_highlights_what_differs(cli, write):
    _import(cli, write, "a.bib", BORDERLINE)
    cli("dedupe")
    result = cli("review", input="k")
    for text in ("brown2020", "brown2020b", "Citizenship regimes and naturalisation rates", "Brown, A.", "—"):
        assert text in result.output
    assert "score 88: title 88, 1/1 authors, same year, same venue" in result.output
    assert "0 answered; 1 waiting" in result.output  # skip keeps it


def test_a_different_answer_is_never_undone(cli, write, library):
    _import(cli, write, "a.bib", BORDERLINE)
    cli("dedupe")
    assert cli("review", input="d").exit_code == 0
    assert cli("review", "--list").output.strip() == "nothing to review"
    again = cli("dedupe", "--all")
    assert "queued for review: 0 new, 0 waiting" in again.output
    assert len(_study_keys(library)) == 2


def test_merge_by_hand_then_dedupe_never_splits_it(cli, write, library):
    _import(cli, write, "a.bib", BORDERLINE, SOLOS)
    result = cli("merge", "brown2020", "ruhs2018")
    assert result.exit_code == 0, result.output
    assert "merged into brown2020" in result.output
    cli("dedupe", "--all")
    assert _study_keys(library)["brown2020"] == ["brown2020", "ruhs2018"]
    assert "merged by a curator" in cli("show", "ruhs2018").output


def test_split_after_an_automatic_merge_stays_split(cli, write, library):
    _import(cli, write, "a.bib", KOGAN, KOGAN_WOS, KOGAN_WP)
    cli("dedupe")
    assert len(_study_keys(library)["kogan2016"]) == 3
    result = cli("split", "kogan2016", "--record", "koganwp2014")
    assert result.exit_code == 0, result.output
    assert "now 2 studies: kogan2016, koganwp2014" in result.output
    cli("dedupe", "--all")
    studies = _study_keys(library)
    assert studies["kogan2016"] == ["WOS000379", "kogan2016"]
    assert studies["koganwp2014"] == ["koganwp2014"]
    whole = cli("split", "kogan2016")
    assert "now 2 studies: WOS000379, kogan2016" in whole.output
    cli("dedupe", "--all")
    assert len(_study_keys(library)) == 3


def test_splitting_off_the_first_record_moves_the_key_with_it(cli, write, library):
    _import(cli, write, "a.bib", KOGAN, KOGAN_WOS, KOGAN_WP)
    cli("dedupe")
    cli("split", "kogan2016", "--record", "kogan2016")
    studies = _study_keys(library)
    assert studies["kogan2016"] == ["kogan2016"]
    assert studies["WOS000379"] == ["WOS000379", "koganwp2014"]  # the next earliest key
    assert "@article{WOS000379," in library.export("bibtex")


def test_decisions_survive_a_rebuild_of_the_store(cli, write, library_dir, db_url):
    _import(cli, write, "a.bib", KOGAN, BORDERLINE, TWO_DOIS)
    cli("dedupe")
    cli("review", input="d")  # the first pair (strongest first) judged different
    _import(cli, write, "b.bib", KOGAN_WOS, KOGAN_WP, SOLOS)
    cli("dedupe")
    cli("merge", "ruhs2018", "brown2020")
    cli("split", "kogan2016", "--record", "WOS000379")
    before = {name: cli(*args).output for name, args in _VIEWS.items()}
    drop_store(library_dir, db_url)
    after = {name: cli(*args).output for name, args in _VIEWS.items()}
    assert after == before
    assert "waiting for review" in before["review"] or "pairs waiting" in before["review"]


_VIEWS = {
    "export": ("export", "--format", "csljson"),
    "bibtex": ("export",),
    "status": ("status",),
    "review": ("review", "--list"),
    "show": ("show", "kogan2016"),
}


def test_a_colleagues_decisions_arrive_with_bib(cli, write, tmp_path, library_dir):
    """A clone gets the merges made elsewhere: decisions.json is part of the image."""
    _import(cli, write, "a.bib", BORDERLINE, SOLOS)
    clone = tmp_path / "clone"
    shutil.copytree(library_dir / "bib", clone / "bib")
    theirs = Library(clone)
    assert len(theirs.views()) == 3
    cli("merge", "brown2020", "brown2020b")  # made here, then "pushed"
    shutil.copy(library_dir / "bib" / "decisions.json", clone / "bib" / "decisions.json")
    assert len(Library(clone).views()) == 2


def test_incremental_dedupe_compares_only_the_new_records(cli, write):
    _import(cli, write, "a.bib", KOGAN, REVIEWS, SOLOS, TWO_DOIS, BORDERLINE)
    first = cli("dedupe").output
    assert "compared 8 new records of 8" in first
    _import(cli, write, "b.bib", KOGAN_WOS)
    second = cli("dedupe").output
    assert "compared 1 new records of 9 with the library: 1 candidate pairs" in second
    assert "merged automatically: 1 pairs" in second
    everything = cli("dedupe", "--all", "--dry-run").output
    pairs = int(everything.split("candidate pairs")[0].rsplit(":", 1)[1])
    assert pairs > 1  # every pair again, against one for the new record alone
    nothing_new = cli("dedupe").output
    assert "compared 0 new records" in nothing_new and ": 0 candidate pairs" in nothing_new


def test_dry_run_changes_nothing(cli, write, library_dir, library):
    _import(cli, write, "a.bib", KOGAN, KOGAN_WOS)
    image = (library_dir / "bib" / "library.bib").read_text()
    result = cli("dedupe", "--dry-run")
    assert "would merge automatically: 1 pairs" in result.output
    assert len(_study_keys(library)) == 2
    assert (library_dir / "bib" / "library.bib").read_text() == image
    assert not (library_dir / "bib" / "decisions.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("merge", "kogan2016", "nosuchkey"), "no study with key 'nosuchkey'"),
        (("merge", "kogan2016", "kogan2016"), "already one study (kogan2016); nothing to merge"),
        (("merge", "kogan2016"), "name at least two keys to merge"),
        (("split", "ruhs2018"), "ruhs2018 has one record: there is nothing to split"),
        (("split", "kogan2016", "--record", "ruhs2018"), "'ruhs2018' is not a record of kogan2016"),
        (("edit", "kogan2016", "year=16"), "year='16': expected four digits"),
        (("edit", "kogan2016", "entrytype=novel"), "entrytype='novel': expected one of article"),
        (("edit", "kogan2016", "ids=a,b"), "'ids' is not a field an edit can set"),
        (("edit", "kogan2016", "title"), "'title': write FIELD=VALUE"),
        (("edit", "kogan2016"), "name at least one FIELD=VALUE to edit"),
        (("edit", "nosuchkey", "year=2016"), "no study with key 'nosuchkey'"),
    ],
)
def test_grouping_mistakes_are_one_line_and_change_nothing(cli, write, library_dir, args, message):
    _import(cli, write, "a.bib", KOGAN, KOGAN_WOS, SOLOS)
    cli("dedupe")
    image = sorted((p.name, p.read_bytes()) for p in (library_dir / "bib").glob("*.*"))
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert sorted((p.name, p.read_bytes()) for p in (library_dir / "bib").glob("*.*")) == image


def test_dedupe_reports_its_stages_with_counts(tmp_path):
    """A large library's dedupe draws a bar per stage; the library reports each stage."""
    import io

    from rich.console import Console

    from tracker.cli.app import StageBar
    from tracker.synthetic import dedupe_set, dedupe_set_bibtex

    source = tmp_path / "set.bib"
    source.write_text(dedupe_set_bibtex(dedupe_set(1800, seed=3)))
    library = Library(tmp_path / "library")
    library.import_files([source])
    heard: list[tuple[str, int, int]] = []
    report = library.dedupe(progress=lambda stage, done, total: heard.append((stage, done, total)))
    stages = [stage for stage, _, _ in heard]
    assert stages[0] == "reading records" and heard[-1][0] == "merging studies"
    assert ("reading records", report.records, report.records) in heard
    assert ("comparing candidate pairs", report.candidate_pairs, report.candidate_pairs) in heard

    stream = io.StringIO()
    bar = StageBar(Console(file=stream, force_terminal=True, width=100), smallest=100)
    bar.update("comparing candidate pairs", 500, 1000)
    bar.progress.refresh()
    bar.close()
    assert "comparing candidate pairs" in stream.getvalue() and "500/1000" in stream.getvalue()


def test_a_curators_edit_stands_above_the_records_through_merges_and_rebuilds(cli, write, library, library_dir, db_url):
    _import(cli, write, "a.bib", KOGAN_WOS)
    result = cli(
        "edit",
        "WOS000379",
        "title=What makes a satisfied immigrant?",
        "author=Kogan, Irena and Shen, Jing and Siegert, Manuel",
        "keywords=life satisfaction; host country",
        "--remove",
        "number",
    )
    assert result.exit_code == 0, result.output
    _import(cli, write, "b.bib", KOGAN, KOGAN_WP)  # more complete records arrive later
    cli("dedupe")
    (view,) = library.views(["kogan2016"])
    assert view.key == "WOS000379"
    assert view.fields["title"] == "What makes a satisfied immigrant?"
    assert view.field_sources["title"] == "curator edit"
    assert view.fields["container"] == "Journal of Ethnic and Migration Studies"  # not edited: the rule
    assert "number" not in view.fields
    assert view.fields["keywords"] == ["life satisfaction", "host country"]
    assert [a.given for a in view.authors] == ["Irena", "Jing", "Manuel"]
    exported = cli("export", "--key", "kogan2016").output
    drop_store(library_dir, db_url)
    assert cli("export", "--key", "kogan2016").output == exported
    shown = cli("show", "kogan2016").output
    assert "title: What makes a satisfied immigrant?  [from curator edit]" in shown
    assert "edited by a curator on" in shown and "number removed" in shown


def test_an_incremental_run_reads_only_records_sharing_a_key_and_finds_what_a_full_run_finds(tmp_path, db_url):
    from tracker.synthetic import dedupe_set, dedupe_set_bibtex

    data = dedupe_set(900, seed=3)
    first, later = data[:-60], data[-60:]
    (tmp_path / "first.bib").write_text(dedupe_set_bibtex(first), encoding="utf-8")
    (tmp_path / "later.bib").write_text(dedupe_set_bibtex(later, first_index=len(first)), encoding="utf-8")
    files = [tmp_path / "first.bib", tmp_path / "later.bib"]

    stepwise = Library(tmp_path / "stepwise", db_url)
    stepwise.import_files(files[:1])
    stepwise.dedupe()
    stepwise.import_files(files[1:])
    report = stepwise.dedupe()
    assert report.compared == 60
    assert report.read < report.records / 4  # the library was not read whole

    if db_url:  # a second library needs a database of its own
        return
    at_once = Library(tmp_path / "at-once", None)
    at_once.import_files(files)
    at_once.dedupe()
    assert _study_keys(stepwise) == _study_keys(at_once)
