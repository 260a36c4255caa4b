"""RIS, CSL-JSON and pasted-abstract readers, and the shared normalisation steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.entry import Name
from tracker.ingest import InputError, detect_format, read_bytes, read_file
from tracker.ingest.normalise import iso_date, normalise_doi, normalise_pages, year_from

from .conftest import FIXTURES


def test_ris_flavours_map_to_one_entry_shape():
    entries = read_file(FIXTURES / "scopus-like.ris").entries
    article = entries[0]
    assert article.entry_type == "article"
    assert article.authors == [
        Name(family="Miller", given="John R."),
        Name(family="Berg", given="Jan", particle="van der"),
        Name(family="Garcia Marquez", given="G."),
    ]
    assert article.fields["container"] == "Journal of Ethnic and Migration Studies"
    assert article.fields["shortjournal"] == "J. Ethn. Migr. Stud."
    assert article.fields["date"] == "2021-03-15"
    assert article.fields["pages"] == "100–120"
    assert article.fields["abstract"] == "First line of a long abstract that continues on a second line."
    assert article.fields["doi"] == "10.1000/XYZ.123"  # the resolver prefix gone, the case kept
    assert article.line == 1


def test_ris_corporate_author_isbn_and_y1_year():
    book = read_file(FIXTURES / "scopus-like.ris").entries[1]
    assert book.authors == [Name(literal="World Health Organization")]
    assert book.fields["year"] == "2019"
    assert book.fields["isbn"] == "978-92-4-000000-1"
    assert book.fields["place"] == "Geneva"


def test_ris_entry_without_er_is_a_failure_with_its_line():
    truncated = read_file(FIXTURES / "scopus-like.ris").entries[2]
    assert truncated.failed
    assert "ER" in (truncated.error or "")
    assert truncated.line == 32


def test_csljson_items_with_particles_literals_and_dates():
    first, second = read_file(FIXTURES / "zotero.json").entries
    assert first.authors == [
        Name(family="Berg", given="Jan", particle="van der"),
        Name(literal="Migration Policy Group"),
    ]
    assert first.fields["date"] == "2020-05"
    assert first.fields["year"] == "2020"
    assert first.fields["volume"] == "8"
    assert first.fields["doi"] == "10.1186/S40878-020-00001-X"  # as the item wrote it
    assert first.line == 2
    assert second.entry_type == "report"
    assert second.fields["year"] == "2018"


def test_csljson_broken_midway_keeps_the_items_before_the_break(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "a", "title": "A"},\n {"id": "b", "title": }]')
    entries = read_file(path).entries
    assert [e.failed for e in entries] == [False, True]
    assert entries[1].line == 2


def test_abstracts_file_form():
    entries = read_file(FIXTURES / "abstracts.md").entries
    assert [e.kind for e in entries] == ["abstract"] * 3
    assert entries[0].fields["title"] == "Naturalisation Rules"
    assert entries[0].fields["abstract"].endswith("It spans two lines.")
    assert entries[2].failed and "no abstract" in (entries[2].error or "")


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("https://doi.org/10.1000/ABC", "10.1000/ABC"),
        ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
        ("doi:10.1000/ABC", "10.1000/ABC"),
        ("DOI 10.1000/ABC.", "10.1000/ABC"),
        ("10.1000%2Fabc", "10.1000/abc"),
    ],
)
def test_doi_is_bare_and_keeps_its_case(written, bare):
    assert normalise_doi(written) == bare


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2020", "2020"),
        ("2020/03/15/", "2020-03-15"),
        ("2020///", "2020"),
        ("March 2020", "2020-03"),
        ("2020-7", "2020-07"),
    ],
)
def test_dates_from_any_form(written, iso):
    assert iso_date(written) == iso


def test_year_and_pages():
    assert year_from("Spring 2019 (online first)") == "2019"
    assert normalise_pages("123 - 145") == "123–145"
    assert normalise_pages("e0123") == "e0123"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("@article{k, title={Ünal}}".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "@article{k, title={Ünal}}".encode(), "utf-8-sig"),
        ("@article{k, title={Ünal}}".encode("utf-16"), "utf-16"),
        ("@article{k, title={Ünal}}".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_encodings_are_read(data, encoding):
    read = read_bytes(FIXTURES / "x.bib", data)
    assert read.encoding == encoding
    assert read.entries[0].fields["title"] == "Ünal"


def test_legacy_8bit_file_is_decoded_and_the_guess_reported():
    text = "@article{k, title={Études sur l'intégration des immigrés à Genève}, author={Müller, Jürgen}}\n" * 3
    read = read_bytes(FIXTURES / "x.bib", text.encode("latin-1"))
    assert read.encoding_guessed
    assert read.entries[0].fields["title"].startswith("Études")


def test_named_encoding_overrides_the_guess():
    read = read_bytes(FIXTURES / "x.bib", "@article{k, author={凯撒}}".encode("gbk"), encoding="gbk")
    assert read.entries[0].authors == [Name(family="凯撒")]


def test_format_recognised_by_content_then_name():
    assert detect_format(FIXTURES / "a.txt", "TY  - JOUR\nER  - \n") == "ris"
    assert detect_format(FIXTURES / "a.txt", "@book{x, title={T}}") == "bibtex"
    assert detect_format(FIXTURES / "a.dat", "[]") == "csljson"
    assert detect_format(FIXTURES / "a.md", "Title\nAbstract") == "abstracts"
    with pytest.raises(InputError, match="unknown format"):
        detect_format(FIXTURES / "a.dat", "hello")
    with pytest.raises(InputError, match="Web of Science"):
        detect_format(FIXTURES / "a.txt", "PT\tAU\tTI\nJ\tSmith\tT\n")


def test_tags_databases_reuse_are_read_as_each_database_means_them(write):
    """Ovid reuses A2 for the cited authors and M1 for the cited references; elsewhere A2
    is an editor and M1 an issue number or a note (the project's own records)."""
    ovid = """TY  - JOUR
ID  - 2024-12345-001
T1  - Integration policy and wellbeing.
A1  - Novak, Ana
A2  - Berg, Dahl, Eriksen, Fischer
Y1  - 2024//
JF  - Journal of Integration Studies
VL  - 12
IS  - 3
M1  - Berg, A (2010). A cited book. Oslo: Press.
M1  - Dahl, B (2015). A cited article. Some Journal, 3, 1-10.
L2  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=psyc&AN=2024-12345-001
ER  -
"""
    edited = """TY  - CHAP
T1  - Naturalisation in Europe
A1  - Smith, John
A2  - Jones, Mary
T2  - A Handbook of Migration
M1  - 4
PY  - 2020
ER  -
TY  - JOUR
T1  - A report with a remark
A1  - Lee, Kim
M1  - Special issue on integration policies
N1  - Open access
PY  - 2021
ER  -
"""
    (first,) = read_file(write("ovid.ris", ovid)).entries
    assert first.editors == [] and first.fields["number"] == "3"
    assert first.fields["ris-cited-authors"] == "Berg, Dahl, Eriksen, Fischer"
    assert first.fields["ris-cited-references"].endswith("; Dahl, B (2015). A cited article. Some Journal, 3, 1-10.")
    assert "note" not in first.fields
    chapter, report = read_file(write("endnote.ris", edited)).entries
    assert [e.family for e in chapter.editors] == ["Jones"] and chapter.fields["number"] == "4"
    assert report.fields["note"] == "Open access; Special issue on integration policies"
    assert "number" not in report.fields


def test_csljson_takes_the_citation_key_and_leaves_out_a_programs_private_variables():
    """CSL 1.0.2's `citation-key` is the citekey (citation-js writes it beside a numeric id);
    citation-js's `_graph` holds a copy of its whole input, which is no field of the study."""
    text = '[{"id": "1", "citation-key": "kogan2016", "type": "article-journal", "title": "T", "_graph": "[...]"}]'
    (entry,) = read_bytes(Path("x.json"), text.encode()).entries
    assert entry.key == "kogan2016"
    assert "_graph" not in entry.fields and entry.fields["title"] == "T"
