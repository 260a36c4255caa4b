"""The BibTeX reader on the traps of real exports (tests/fixtures/awkward.bib)."""

from __future__ import annotations

from tracker.entry import Entry, Name
from tracker.ingest import read_file
from tracker.ingest.bibtex import read_bibtex
from tracker.ingest.normalise import normalise_entry

from .conftest import FIXTURES


def _entries() -> dict[str, Entry]:
    read = read_file(FIXTURES / "awkward.bib")
    return {e.key or f"line{e.line}": e for e in read.entries}


def test_every_entry_is_accounted_for_with_its_line():
    entries = _entries()
    assert list(entries) == [
        "unal2019",
        "parentbook",
        "chapter2020",
        "cycleA",
        "cycleB",
        "unal2019-2",
        "dupfield",
        "broken2020",
        "after2021",
    ]
    assert entries["unal2019"].line == 5
    assert entries["after2021"].line == 54


def test_names_are_split_first_then_decoded_per_part():
    authors = _entries()["unal2019"].authors
    assert authors == [
        Name(family="Ünal", given="Ayşe"),
        Name(family="Berg", given="Jan", particle="van der"),
        Name(family="Smith", given="John", suffix="Jr."),
        Name(literal="Migration Policy Group"),
    ]


def test_macros_concatenation_and_month_are_resolved():
    fields = _entries()["unal2019"].fields
    assert fields["container"] == "Journal of Ethnic and Migration Studies"
    assert fields["date"] == "2019-03"
    assert fields["year"] == "2019"


def test_a_bare_percent_is_text_not_a_comment():
    fields = _entries()["unal2019"].fields
    assert fields["title"] == "Integration Policy and 59% of Migrants"
    assert fields["abstract"] == "Roughly 59% of respondents said yes; see http://x.org/50%25."
    assert fields["url"] == "http://example.org/a%2Fb?x=1&y=2"


def test_shared_normalisation_of_doi_pages_and_keywords():
    fields = _entries()["unal2019"].fields
    assert fields["doi"] == "10.1080/1369183X.2019.0001"  # the prefix gone, the case as the publisher wrote it
    assert fields["pages"] == "401–420"
    assert fields["keywords"] == ["integration", "MIPEX", "citizenship"]


def test_unknown_and_curator_fields_pass_through():
    assert _entries()["unal2019"].fields["mipex-summary"] == "A curator's note that must pass through."


def test_crossref_inherits_missing_fields_and_parent_title_becomes_booktitle():
    chapter = _entries()["chapter2020"]
    assert chapter.entry_type == "chapter"
    assert chapter.fields["container"] == "Handbook of Migration Policy"
    assert chapter.fields["publisher"] == "Springer"
    assert chapter.fields["year"] == "2020"
    assert chapter.editors == [Name(family="Cruz", given="Maria", particle="de la")]


def test_crossref_cycle_is_reported_not_looped():
    entries = _entries()
    messages = entries["cycleA"].warnings + entries["cycleB"].warnings
    assert any("crossref cycle" in m for m in messages)


def test_duplicate_key_keeps_both_entries_and_reports_the_new_key():
    later = _entries()["unal2019-2"]
    assert later.fields["title"] == "Same Key, Different Work"
    assert any("duplicate key 'unal2019'" in w and "'unal2019-2'" in w for w in later.warnings)


def test_duplicate_field_keeps_the_entry_and_reports_the_conflict():
    entry = _entries()["dupfield"]
    assert entry.fields["title"] == "First Title"
    assert any("field 'title' appears twice" in w for w in entry.warnings)


def test_unclosed_entry_fails_with_its_text_and_the_next_entry_still_reads():
    entries = _entries()
    broken = entries["broken2020"]
    assert broken.failed
    assert "never closed" in broken.raw
    assert broken.line == 50
    assert not entries["after2021"].failed


def test_field_names_are_case_insensitive():
    entry = normalise_entry(next(iter(read_bibtex("@ARTICLE{x, TITLE = {T}, Year = {2001}, JOURNAL = {J}}"))))
    assert entry.fields == {"title": "T", "year": "2001", "container": "J"}


def test_undefined_macro_is_kept_as_text_and_reported():
    entry = next(iter(read_bibtex("@article{x, journal = nomacro, title = {T}}")))
    assert entry.fields["journal" if "journal" in entry.fields else "container"] == "nomacro"
    assert any("undefined macro 'nomacro'" in w for w in entry.warnings)


def test_names_a_real_export_writes_badly_are_kept():
    trailing = next(iter(read_bibtex("@article{x, author = {Smith, John,}}")))
    assert trailing.authors == [Name(family="Smith", given="John")]
    listed = next(iter(read_bibtex("@article{x, author = {Doe, J., Roe, K.}}")))
    assert listed.authors == [Name(family="Doe", given="J."), Name(family="Roe", given="K.")]
    assert listed.warnings


def test_biblatex_xdata_fields_are_inherited_under_their_own_names():
    text = """@xdata{springer, publisher = {Springer}, address = {Cham}}
@book{b1, title = {One}, xdata = {springer}}
@book{b2, title = {Two}, xdata = {springer, nowhere}}
"""
    entries = {e.key: normalise_entry(e) for e in read_bibtex(text)}
    assert entries["b1"].fields["publisher"] == "Springer"
    assert entries["b1"].fields["place"] == "Cham"
    assert entries["b1"].fields["title"] == "One"
    assert any("xdata to unknown key 'nowhere'" in w for w in entries["b2"].warnings)


def test_tex_double_quotes_become_the_quotes_tex_prints_and_literal_ones_survive_export():
    from tracker.export import latex_escape
    from tracker.ingest.latex import latex_to_text

    assert latex_to_text("``Welcome to France.'' Can contracts help?") == "“Welcome to France.” Can contracts help?"
    assert latex_to_text("``Sch\\\"{o}n'' und gut") == "“Schön” und gut"  # the decoder's path agrees
    for typed in ("two ``back'' quotes", "it's", "'''"):
        assert latex_to_text(latex_escape(typed)) == typed  # written so they come back as typed
