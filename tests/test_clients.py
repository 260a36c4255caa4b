"""The tracker's exports read by the clients its users cite with: pandoc's citeproc (which
LaTeX-free writers use) reads the BibTeX and CSL-JSON downloads and prints them in APA;
citation-js (what many web tools and Zotero-less workflows use) reads the RIS and BibTeX;
biber (biblatex's backend) validates the BibTeX against its data model and classic BibTeX
prints the `bibtex` flavour with plain.bst; feedparser (what many feed readers are built
on) reads the Atom feeds; the Nu Html Checker
(the W3C's validator, vnu-jar) checks every page, stylesheet and drawing of the site.

Each skips, saying why, where its client is not installed (`.ci/run` installs Debian's
pandoc, a small TeX Live with biber and a Java runtime, and citation-js and vnu-jar from npm into .ci/node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import include_all
from tracker.export import DATAMODEL
from tracker.ingest import read_file
from tracker.library import Library
from tracker.publish.citations import STYLE_FOLDER

PANDOC = shutil.which("pandoc")
NODE = shutil.which("node")
NODE_MODULES = Path(__file__).resolve().parents[1] / ".ci" / "node" / "node_modules"
CITATION_JS = Path(__file__).resolve().parent / "fixtures" / "citation_js_read.cjs"
JAVA = shutil.which("java")
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
EXAMPLE = Path(__file__).resolve().parents[1] / "bib"
TYPES = Path(__file__).resolve().parent / "fixtures" / "types.bib"
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (apt-get install pandoc)")
needs_citation_js = pytest.mark.skipif(
    NODE is None or not (NODE_MODULES / "@citation-js" / "plugin-ris").is_dir(),
    reason=f"citation-js is not installed (node, and npm install --prefix .ci/node @citation-js/...; {NODE_MODULES})",
)
TEX = {name: shutil.which(name) for name in ("pdflatex", "biber", "bibtex", "kpsewhich")}
needs_tex = pytest.mark.skipif(
    None in TEX.values()
    or not subprocess.run([TEX["kpsewhich"] or "", "biblatex.sty"], capture_output=True, check=False).stdout.strip(),
    reason="TeX Live with biblatex and biber is not installed "
    "(apt-get install texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber)",
)
needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU.is_file(),
    reason=f"the Nu Html Checker is not installed (java, and npm install --prefix .ci/node vnu-jar; {VNU})",
)

KOGAN = r"""
@article{kogan2016,
  author = {Kogan, Irena and {European Union}},
  title = {Integration policies in {Europe} and the {MIPEX}},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016}, pages = {401--420},
  doi = {10.1080/1369183X.2016.1152174}
}
"""
STUDIES = KOGAN + r"""
@techreport{ruiz2019, author = {Ruiz, Ana}, title = {Family reunion in Denmark}, institution = {OECD},
  number = {12}, type = {Working paper}, year = {2019}}
@book{bauboeck2019, author = {Bauböck, Rainer}, title = {Debating {European} Citizenship}, publisher = {Springer},
  year = {2019}}
"""


def _printed(bibliography: Path, folder: Path) -> str:
    document = folder / "cited.md"
    document.write_text(f'---\nbibliography: {bibliography.name}\nnocite: "@*"\n---\n')
    command = [str(PANDOC), "--citeproc", "--csl", str(STYLE_FOLDER / "apa.csl"), "-t", "plain", "--wrap=none"]
    command.append(document.name)
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=folder, timeout=120)
    assert done.stderr == "", done.stderr  # no warning either
    return done.stdout


@needs_pandoc
@pytest.mark.parametrize("extension", ["bib", "json"])
def test_pandoc_prints_the_downloads_in_apa_with_every_proper_noun_and_report_fact(tmp_path, write, extension):
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", STUDIES)])
    include_all(library)
    library.build()
    download = library.paths.root / "site" / "downloads" / f"library.{extension}"
    shutil.copy(download, tmp_path / download.name)
    printed = _printed(tmp_path / download.name, tmp_path)
    # sentence case keeps the proper nouns and acronyms; the range is an en dash; the DOI keeps its case
    assert "Integration policies in Europe and the MIPEX." in printed, printed
    assert "401–420" in printed and "https://doi.org/10.1080/1369183X.2016.1152174" in printed
    assert "Kogan, I., & European Union." in printed  # an organisation is not split into a person
    assert "(Working Paper No. 12). OECD." in printed, printed  # a report's kind, number and institution
    assert "Family reunion in Denmark" in printed
    # a title in title case keeps the proper noun its source braced (APA sets the rest in sentence case)
    assert ("Debating European citizenship." if extension == "bib" else "Debating European Citizenship.") in printed


CHAPTER = r"""
@incollection{berg2020, author = {van der Berg, Jan}, editor = {Bauböck, Rainer},
  title = {Measuring integration policy}, booktitle = {Handbook of Migration Policy},
  publisher = {Elgar}, year = {2020}, pages = {10--25}}
@inproceedings{lee2021, author = {Lee, Min},
  title = {Integration policy and the self-rated health of migrants in Europe},
  booktitle = {Proceedings of the Migration Conference}, year = {2021}}
"""


@needs_citation_js
@pytest.mark.parametrize(("extension", "kind"), [("ris", "@ris/file"), ("bib", "@biblatex/text")])
def test_citation_js_reads_every_fact_of_the_downloads(tmp_path, write, extension, kind):
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", STUDIES + CHAPTER)])
    include_all(library)
    library.build()
    download = library.paths.root / "site" / "downloads" / f"library.{extension}"
    done = subprocess.run(
        [str(NODE), str(CITATION_JS), str(NODE_MODULES), str(download), kind],
        capture_output=True, text=True, check=True, timeout=120,
    )
    items = {item["id"]: item for item in json.loads(done.stdout)}
    chapter, report, paper = items["berg2020"], items["ruiz2019"], items["lee2021"]
    assert chapter["type"] == "chapter" and chapter["container-title"] == "Handbook of Migration Policy"
    assert chapter["editor"] == [{"family": "Bauböck", "given": "Rainer"}]  # a chapter's editors kept
    assert report["type"] == "report" and report["number"] == "12" and report["publisher"] == "OECD"
    assert report["genre"] == "Working paper"
    assert paper["type"] == "paper-conference"
    if extension == "bib":  # (citation-js reads no RIS tag as a paper's proceedings; Zotero reads C3)
        assert paper["container-title"] == "Proceedings of the Migration Conference"
    organisation = items["kogan2016"]["author"][1]  # whole, not "Union, European"
    assert organisation in ({"literal": "European Union"}, {"family": "European Union"})


@needs_citation_js
@pytest.mark.parametrize(
    "case",
    [
        ("bib", "@biblatex/text", "data", "json"),
        ("bib", "@biblatex/text", "biblatex", "bib"),
        ("ris", "@ris/file", "data", "json"),
        ("ris", "@ris/file", "ris", "ris"),
    ],
    ids=["bib-to-csljson", "bib-to-biblatex", "ris-to-csljson", "ris-to-ris"],
)
def test_what_citation_js_writes_of_the_downloads_comes_back_as_the_same_studies(tmp_path, write, case):
    """citation-js reads a download and writes it again (CSL-JSON, biblatex, RIS); importing
    that merges each record with its study, and no fact citation-js kept is lost."""
    extension, kind, written, suffix = case
    library = Library(tmp_path / "library")
    library.import_files([TYPES, write("studies.bib", KOGAN)])  # every kind of study the project writes
    include_all(library)
    library.build()
    before = {view.key: view for view in library.views()}
    download = library.paths.root / "site" / "downloads" / f"library.{extension}"
    done = subprocess.run(
        [str(NODE), str(CITATION_JS), str(NODE_MODULES), str(download), kind, written],
        capture_output=True, text=True, check=True, timeout=120,
    )
    converted = write(f"citation-js.{suffix}", done.stdout)
    copies = {entry.key: entry for entry in read_file(converted).entries}
    assert copies.keys() == before.keys()  # the keys kept (CSL-JSON: `citation-key`)
    # citation-js's biblatex writer drops what it cannot write in LaTeX (a Chinese title):
    # such a copy has nothing to be matched by, and stays a study of its own
    untitled = {key for key, entry in copies.items() if not entry.fields.get("title")}
    assert untitled <= {"zhang2022"}
    library.import_files([converted])
    library.dedupe()
    after = {view.key: view for view in library.views()}
    assert after.keys() - before.keys() == {f"{key}-2" for key in untitled}  # nothing else new, none lost
    for key, view in before.items():
        assert len(after[key].records) == (1 if key in untitled else 2), key  # the original and its copy, merged
        for name in ("title", "year", "doi", "container", "volume", "number", "pages", "publisher", "institution"):
            if view.fields.get(name):  # (a field citation-js added, such as a preprint's publisher, is no loss)
                assert after[key].fields.get(name) == view.fields[name], (key, name)
        assert [n.family or n.literal for n in after[key].authors] == [n.family or n.literal for n in view.authors]
        assert not any(name.startswith("_") for name in after[key].fields)  # citation-js's own _graph left out


@pytest.mark.parametrize("base_url", [None, "https://mpg.example.org/mipex/"])
def test_a_feed_reader_reads_every_feed_with_links_that_lead_to_the_pages(tmp_path, write, base_url):
    feedparser = pytest.importorskip("feedparser", reason="feedparser is not installed (pip install feedparser)")
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", STUDIES)])
    include_all(library)
    library.tag()
    library.build(base_url=base_url)
    site = library.paths.root / "site"
    served_at = base_url or "https://host.example/where/it/is/served/"
    for feed in sorted((site / "feeds").rglob("*.atom.xml")):
        path = feed.relative_to(site).as_posix()
        headers = {"content-location": served_at + path, "content-type": "application/atom+xml"}
        parsed = feedparser.parse(feed.read_text(encoding="utf-8"), response_headers=headers)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))  # well-formed Atom, no complaint
        for entry in parsed.entries:
            assert entry.link.startswith(served_at), (path, entry.link)  # resolved where the site is
            page = site / entry.link.removeprefix(served_at)
            assert page.is_file(), (path, entry.link)  # and it is a page of the site, not a 404
            assert entry.id and entry.updated_parsed
    studies = feedparser.parse((site / "feeds" / "studies.atom.xml").read_text(encoding="utf-8"))
    assert {entry.title for entry in studies.entries} >= {"Family reunion in Denmark"}


@needs_pandoc
@pytest.mark.parametrize(("target", "suffix"), [("csljson", "json"), ("biblatex", "bib")])
def test_what_pandoc_writes_of_the_library_comes_back_as_the_same_studies(tmp_path, write, target, suffix):
    """pandoc converts the BibTeX download (-t csljson, -t biblatex); importing its output
    into the library merges each record with its study, losing none of what pandoc kept."""
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", STUDIES + CHAPTER)])
    include_all(library)
    library.build()
    before = {view.key: view for view in library.views()}
    download = library.paths.root / "site" / "downloads" / "library.bib"
    converted = tmp_path / f"converted.{suffix}"
    subprocess.run(
        [str(PANDOC), str(download), "-f", "biblatex", "-t", target, "-o", str(converted)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    library.import_files([converted])
    library.dedupe()
    after = {view.key: view for view in library.views()}
    assert after.keys() == before.keys()  # each came back onto its own study: none new, none lost
    for key, view in after.items():
        assert len(view.records) == 2, key  # the original and pandoc's, merged
        for name in ("title", "year", "doi", "container", "number", "pages"):
            now, was = str(view.fields.get(name, "")), str(before[key].fields.get(name, ""))
            if target == "biblatex":  # pandoc's biblatex writer recases titles: a change, not a loss
                now, was = now.casefold(), was.casefold()
            assert now == was, (key, name)
        people = [n.family for n in before[key].authors if not n.literal]
        assert [n.family for n in view.authors if n.family in people] == people, key
        if target == "csljson":  # (pandoc's biblatex writer drops the braces that keep an organisation whole)
            assert view.authors == before[key].authors, key


HOSTILE = r"""
@article{hostile, author = {{<script>alert(1)</script>} and O'Brien, Seán},
  title = {"Quotes" & <b>tags</b> in a title: {\"U}nal's -- 100\% of {MIPEX}?},
  journal = {A & B}, year = {2020}, url = {javascript:alert(1)},
  abstract = {Line one.\n\nA second paragraph with < and > and a very long word
  Rechtsschutzversicherungsgesellschaftenangelegenheitenbearbeitung.}}
"""


@needs_vnu
def test_the_nu_html_checker_finds_no_error_on_any_page_stylesheet_or_drawing(tmp_path, write):
    """The example library, every kind of study the project writes and a hostile one,
    built with a digest, scores and feeds: vnu reports nothing at error level."""
    root = tmp_path / "library"
    shutil.copytree(EXAMPLE, root / "bib")
    library = Library(root)
    library.import_files([TYPES, write("hostile.bib", HOSTILE)])
    include_all(library)
    library.tag()
    library.build(base_url="https://mpg.example.org/mipex/")
    site = root / "site"
    done = subprocess.run(
        [str(JAVA), "-jar", str(VNU), "--errors-only", "--format", "json", "--also-check-css", "--also-check-svg",
         "--skip-non-html", str(site)],
        check=False, capture_output=True, text=True, timeout=600,  # (it exits 1 on errors, listed below)
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    checked = len(list(site.rglob("*.html")))
    assert checked > 100  # the whole site was there to check
    errors = [f"{m.get('url', '').removeprefix(site.as_uri())}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == [], "\n".join(errors[:40])


LATEX_ARGS = ["-interaction=nonstopmode", "-halt-on-error", "document.tex"]


def _typeset(folder: Path, preamble: str, bibliography: str, backend: str) -> subprocess.CompletedProcess[str]:
    """LaTeX, then the backend on what LaTeX asked of it: the first two steps of a LaTeX
    user's build (the third, setting the list in type, is TeX's and not the export's: pdfLaTeX
    has no Chinese fonts)."""
    document = "\\documentclass{article}\n" + preamble + "\\begin{document}\n\\nocite{*}\n" + bibliography
    (folder / "document.tex").write_text(document + "\\end{document}\n", encoding="utf-8")
    latex = subprocess.run(
        [TEX["pdflatex"], *LATEX_ARGS], capture_output=True, text=True, check=False, cwd=folder, timeout=300
    )
    assert latex.returncode == 0, latex.stdout[-3000:]
    command = [TEX["biber"], "--validate-datamodel", "document"] if backend == "biber" else [TEX["bibtex"], "document"]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder, timeout=300)


def _kinds_library(tmp_path: Path, write) -> Library:  # type: ignore[no-untyped-def]
    """Every kind of study the project writes, tagged, screened and summarised."""
    library = Library(tmp_path / "library")
    library.import_files([TYPES, write("studies.bib", KOGAN)])
    include_all(library)
    library.tag()
    library.digests.new("2026-11", "November MIPEX in Use")
    library.digests.write_summary("lee2021", "Integration policy and health in Korea. Conference paper.")
    return library


@needs_tex
def test_biber_validates_the_biblatex_export_against_its_data_model_without_a_warning(tmp_path, write):
    library = _kinds_library(tmp_path, write)
    (tmp_path / "library.bib").write_text(library.export("bibtex"), encoding="utf-8")
    assert "mipex-summary = {" in (tmp_path / "library.bib").read_text(encoding="utf-8")
    preamble = "\\usepackage[backend=biber{}]{{biblatex}}\n\\addbibresource{{library.bib}}\n"
    # without the tracker's data model, biber names its fields as unknown: the check can fail
    bare = _typeset(tmp_path, preamble.format(""), "", "biber")
    assert "Field 'mipex-use' invalid in data model" in bare.stdout, bare.stdout[-3000:]
    shutil.copy(DATAMODEL, tmp_path / DATAMODEL.name)  # as `export -o` and the site's downloads give it
    done = _typeset(tmp_path, preamble.format(",datamodel=mipex"), "", "biber")
    assert done.returncode == 0, done.stdout[-3000:]
    warnings = [line for line in done.stdout.splitlines() if " WARN - " in line or " ERROR - " in line]
    assert warnings == []
    read = (tmp_path / "document.bbl").read_text(encoding="utf-8")
    for field in ("{institution}{1}{%\n        {OECD Publishing}", "\\field{type}{phdthesis}", "\\field{number}{12}"):
        assert field in read, field  # report and thesis facts reached biblatex
    assert "\\field{mipex-use}{explains_outcomes}" in read  # and the tracker's own fields, declared


@needs_tex
def test_classic_bibtex_prints_the_bibtex_flavour_with_every_report_and_thesis_fact(tmp_path, write):
    library = _kinds_library(tmp_path, write)
    (tmp_path / "library.bib").write_text(library.export("bibtex", flavour="bibtex"), encoding="utf-8")
    done = _typeset(tmp_path, "", "\\bibliographystyle{plain}\n\\bibliography{library}\n", "bibtex")
    assert done.returncode == 0 and "Warning--" not in done.stdout, done.stdout
    printed = " ".join((tmp_path / "document.bbl").read_text(encoding="utf-8").split())
    for fact in (
        "Working paper~12, OECD Publishing, Paris, 2023.",  # a report's kind, number, institution, place
        "PhD thesis, European University Institute, Florence, 2019.",  # a thesis's kind and school
        "In Rainer Bauböck and Christian Joppke, editors, {\\em Handbook of Migration Policy}, pages 10--25.",
        "the {MIPEX} and its critics",  # an acronym kept from the style's lower-casing
        "Policies of belonging in {Spain} and {Portugal}",  # the proper nouns its source braced
        "Integration policies in {Europe} and the {MIPEX}",
    ):
        assert fact in printed, fact
