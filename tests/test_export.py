"""Exporters: golden outputs per format, and export -> import -> export giving the same bytes.

Golden files live in tests/fixtures/golden/; after a deliberate format change, rewrite
them with `UPDATE_GOLDEN=1 python -m pytest tests/test_export.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.entry import Name
from tracker.export import ENTRY_FORMATS, WRITERS, write_bibtex, write_csljson
from tracker.ingest import read_bytes
from tracker.ingest.normalise import collapse_whitespace
from tracker.library import Library
from tracker.store.views import RecordRow, StudyView, build_view

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
SOURCES = ["awkward.bib", "scopus-like.ris", "zotero.json", "types.bib"]
EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csljson": "json", "csv": "csv"}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_export_matches_the_golden_file(library, source, fmt):
    library.import_files([FIXTURES / source])
    produced = library.export(fmt)
    golden = GOLDEN / f"{Path(source).stem}.{EXTENSIONS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_download_joined_from_single_entries_is_the_export_itself(library, fmt):
    """The site renders each study once per format and joins the texts into many downloads:
    a joined download must be the very bytes `export` writes, also for one study and none."""
    for source in SOURCES:
        library.import_files([FIXTURES / source])
    views = library.views()
    entry_format = ENTRY_FORMATS[fmt]
    for chosen in (views, views[:1], views[1::2], []):
        assert entry_format.join([entry_format.entry(v) for v in chosen]) == WRITERS[fmt](chosen)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("fmt", ["bibtex", "csljson", "ris"])
def test_export_import_export_gives_the_same_bytes(tmp_path, db_url, source, fmt):
    first_library = Library(tmp_path / "first", db_url if fmt == "bibtex" else None)
    first_library.import_files([FIXTURES / source])
    first = first_library.export(fmt)
    exported = tmp_path / f"exported.{EXTENSIONS[fmt]}"
    exported.write_text(first, encoding="utf-8")
    second_library = Library(tmp_path / "second")
    second_library.import_files([exported])
    assert second_library.export(fmt) == first


def test_ids_lists_the_other_records_keys(library, write):
    library.import_files([write("merged.bib", "@article{kept, title={T}, ids={alias1, alias2}}")])
    exported = library.export("bibtex")
    assert "ids = {alias1, alias2}" in exported
    assert json.loads(library.export("csljson"))[0]["custom"]["ids"] == "alias1, alias2"


# --- property: awkward values survive BibTeX and CSL-JSON unchanged -----------------------

_AWKWARD = "{}%&$\\#_~^-'\"`?!@<>|/*+=;:,.()[]"
_SCRIPTS = "éèüöäßçñøåłžşğıÆŒ日本語中文한국어عربيעברית"
_text = (
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list(_AWKWARD + _SCRIPTS + " ")),
            st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        ),
        min_size=1,
        max_size=40,
    )
    .map(collapse_whitespace)
    .filter(bool)
)
_word = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzÄÖÜéñçłЖ中")), min_size=1, max_size=12)


@st.composite
def _study(draw: st.DrawFn) -> StudyView:
    fields = {"title": draw(_text), "year": str(draw(st.integers(1900, 2030)))}
    for name in ("container", "abstract", "note", "publisher", "mipex-summary"):
        if draw(st.booleans()):
            fields[name] = draw(_text)
    particles = st.sampled_from(["", "van der", "de la"])
    authors = [
        Name(family=draw(_word).capitalize(), given=draw(_word).capitalize(), particle=draw(particles))
        for _ in range(draw(st.integers(0, 3)))
    ]
    if draw(st.booleans()):
        authors.append(Name(literal=draw(_text)))
    row = RecordRow(
        id=1,
        seq=1,
        source_id=1,
        line=1,
        key="key1",
        kind="entry",
        status="ok",
        warnings=[],
        entry_type=draw(st.sampled_from(["article", "book", "chapter", "report", "misc"])),
        fields=fields,
        authors=[a.to_json() for a in authors],
        editors=[],
        study_id=1,
    )
    return build_view("key1", [row])


def _reread(text: str, name: str) -> StudyView:
    entries = read_bytes(Path(name), text.encode()).entries
    assert len(entries) == 1 and not entries[0].failed, entries[0].error
    entry = entries[0]
    row = RecordRow(
        id=1,
        seq=1,
        source_id=1,
        line=1,
        key=entry.key,
        kind="entry",
        status="ok",
        warnings=[],
        entry_type=entry.entry_type,
        fields=entry.fields,
        authors=[n.to_json() for n in entry.authors],
        editors=[n.to_json() for n in entry.editors],
        study_id=1,
    )
    return build_view("key1", [row])


def _issuer_as_institution(fields: dict, entry_type: str, name: str) -> dict:
    """CSL-JSON and RIS have one place for whoever issued a report or granted a thesis (CSL
    `publisher`, RIS `PB`, as Zotero writes them): read back, it is the institution."""
    if entry_type in ("report", "thesis") and not name.endswith(".bib") and "institution" not in fields:
        fields = dict(fields)
        if "publisher" in fields:
            fields["institution"] = fields.pop("publisher")
    return fields


@pytest.mark.parametrize(
    ("write", "name"), [(write_bibtex, "x.bib"), (write_csljson, "x.json")], ids=["bibtex", "csljson"]
)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(view=_study())
def test_round_trip_keeps_awkward_values(write, name, view):
    first = write([view])
    again = _reread(first, name)
    assert again.fields == _issuer_as_institution(view.fields, view.entry_type, name)
    assert again.authors == view.authors
    assert write([again]) == first


def test_coins_give_zotero_a_chapter_its_book_and_an_organisation_its_whole_name():
    from urllib.parse import parse_qs

    from tracker.export.coins import coins_title
    from tracker.store.views import StudyView

    chapter = StudyView(
        "ch2020",
        "chapter",
        {"title": "Measuring policy", "container": "Handbook of Migration", "year": "2020", "pages": "10–25",
         "publisher": "Elgar", "isbn": "978-1-78811-000-0", "doi": "10.4337/ABC.1"},
        authors=[Name(literal="Migration Policy Group"), Name(family="Berg", given="Jan", particle="van der")],
        editors=[],
        aliases=[],
    )
    kev = parse_qs(coins_title(chapter))
    assert kev["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"] and kev["rft.genre"] == ["bookitem"]
    assert kev["rft.atitle"] == ["Measuring policy"] and kev["rft.btitle"] == ["Handbook of Migration"]
    assert kev["rft.aucorp"] == ["Migration Policy Group"] and kev["rft.au"] == ["van der Berg, Jan"]
    assert kev["rft.spage"] == ["10"] and kev["rft.epage"] == ["25"] and kev["rft.isbn"] == ["978-1-78811-000-0"]
    assert kev["rft_id"] == ["info:doi/10.4337/ABC.1"]  # the DOI as its publisher wrote it


@pytest.mark.parametrize(
    ("title", "written"),
    [
        # sentence case: its capitals are proper nouns and acronyms, which a style must keep
        ("Integration policies in Europe and the MIPEX", "Integration policies in {Europe} and the {MIPEX}"),
        ("Who gets a Swiss passport?", "Who gets a {Swiss} passport?"),
        # title case: the proper nouns cannot be told apart, only acronyms and mixed case are kept
        ("Integration Policies in Europe and the EU", "Integration Policies in Europe and the {EU}"),
        ("The OECD: McDonald's iPhone", "The {OECD}: {McDonald's} {iPhone}"),
        ("Naturalization fosters integration", "Naturalization fosters integration"),
    ],
)
def test_bibtex_titles_brace_the_capitals_a_style_would_lower_case(title, written):
    from tracker.export.bibtex import protect_capitals

    assert protect_capitals(title) == written
    entry = read_bytes(Path("t.bib"), f"@article{{k, title = {{{written}}}, pages = {{1--20}}}}".encode()).entries[0]
    assert entry.fields["title"] == title and entry.fields["pages"] == "1–20"  # read back as it was


def test_ris_gives_reports_theses_papers_and_manuscripts_the_tags_zotero_reads(tmp_path):
    from tracker.export.ris import ris_entry
    from tracker.store.views import StudyView

    def view(key: str, kind: str, fields: dict[str, str]) -> StudyView:
        return StudyView(key, kind, fields, authors=[Name(family="Ruiz", given="Ana")], editors=[], aliases=[])

    facts = {"title": "T", "institution": "OECD", "number": "12", "type": "Working paper"}
    report = ris_entry(view("r", "report", facts))
    assert "SN  - 12" in report and "M3  - Working paper" in report and "PB  - OECD" in report
    assert "IS  - " not in report  # a report's number is not a journal issue
    paper = ris_entry(view("p", "conference", {"title": "T", "container": "Proceedings of X"}))
    assert "C3  - Proceedings of X" in paper and "T2  - " not in paper  # Zotero: proceedings title
    assert ris_entry(view("m", "manuscript", {"title": "T"})).startswith("TY  - MANSCPT")
    editors = [Name(family="Berg", given="Jan")]
    chapter = StudyView("c", "chapter", {"title": "T"}, authors=[], editors=editors, aliases=[])
    assert "A2  - Berg, Jan" in ris_entry(chapter)  # citation-js reads a chapter's editors there
    back = {e.key: e for e in read_bytes(Path("x.ris"), (report + paper + ris_entry(chapter)).encode()).entries}
    assert back["r"].fields["number"] == "12" and back["r"].fields["type"] == "Working paper"
    assert back["p"].fields["container"] == "Proceedings of X"
    assert [n.family for n in back["c"].editors] == ["Berg"]


def test_reports_and_theses_leave_in_the_entry_types_classic_bibtex_styles_know():
    from tracker.export.bibtex import bibtex_entry
    from tracker.store.views import StudyView

    def entry(kind: str, fields: dict[str, str]) -> str:
        return bibtex_entry(StudyView("k", kind, {"title": "T", **fields}, authors=[], editors=[], aliases=[]))

    report = entry("report", {"institution": "OECD", "number": "12"})
    assert report.startswith("@techreport{k,") and "institution = {OECD}" in report and "number = {12}" in report
    assert "type = " not in entry("report", {"type": "techreport"})  # said by the entry type
    assert "type = {Working paper}" in entry("report", {"type": "Working paper"})
    phd = entry("thesis", {"institution": "EUI", "type": "phdthesis"})
    assert phd.startswith("@phdthesis{k,") and "school = {EUI}" in phd and "type = " not in phd
    assert entry("thesis", {"type": "mastersthesis"}).startswith("@mastersthesis{k,")
    assert entry("thesis", {}).startswith("@thesis{k,")  # a kind nobody said is not made up
    for text in (report, phd):  # and they read back as they were
        (back,) = read_bytes(Path("x.bib"), text.encode()).entries
        assert back.fields.get("type", "") in ("", "phdthesis") and back.fields["institution"] in ("OECD", "EUI")


def test_classic_bibtex_has_only_the_types_and_fields_it_knows():
    from tracker.export.bibtex import bibtex_entry
    from tracker.store.views import StudyView

    def classic(kind: str, fields: dict[str, str]) -> str:
        view = StudyView("k", kind, {"title": "T", "year": "2020", **fields}, authors=[], editors=[], aliases=[])
        return bibtex_entry(view, "bibtex")

    thesis = classic("thesis", {"institution": "EUI"})
    assert thesis.startswith("@phdthesis{k,") and "type = {Thesis}" in thesis  # not "PhD thesis", unsaid
    assert "type = {Doctoral dissertation}" in classic("thesis", {"type": "Doctoral dissertation"})
    assert "type = " not in classic("thesis", {"type": "phdthesis"})
    assert classic("webpage", {"url": "https://x.org"}).startswith("@misc{k,")
    assert classic("dataset", {}).startswith("@misc{k,")
    dated = classic("article", {"date": "2020-03-15", "pages": "1–9"})
    assert "  month = mar,\n" in dated and "date = " not in dated  # the month's macro, bare
    assert "pages = {1--9}" in dated
    (back,) = read_bytes(Path("x.bib"), dated.encode()).entries
    assert back.fields["date"] == "2020-03" and back.fields["year"] == "2020"  # (classic BibTeX has no day)


@pytest.mark.parametrize(
    ("written", "exported"),
    [
        ("Debating {European} Citizenship", "Debating {European} Citizenship"),
        ("The {European Union} and {Ireland}: Law in Practice", "The {European Union} and {Ireland}: Law in Practice"),
        ("{Integration Policies in Europe}", "Integration Policies in Europe"),  # a tool's habit: nothing said
        ('{\\"U}nal and the Policies of {Sweden}', "Ünal and the Policies of {Sweden}"),  # an accent is no phrase
        ("Integration policy and the {MIPEX}", "Integration policy and the {MIPEX}"),
    ],
)
def test_the_phrases_a_source_braced_are_braced_again_in_the_bibtex_export(library, write, written, exported):
    library.import_files([write("braced.bib", f"@article{{k, title = {{{written}}}, year = {{2020}}}}\n")])
    text = library.export("bibtex")
    assert f"  title = {{{exported}}},\n" in text
    library.import_files([write("again.bib", text.replace("{k,", "{k2,"))])  # read back: the same braces
    (again,) = [view for view in library.views() if view.key == "k2"]
    assert again.braced == library.views(["k"])[0].braced
    assert "title:braced" not in library.export("csljson") + library.export("csv") + library.export("ris")
