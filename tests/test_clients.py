"""The tracker's exports read by the clients its users cite with: pandoc's citeproc (which
LaTeX-free writers use) reads the BibTeX and CSL-JSON downloads and prints them in APA;
citation-js (what many web tools and Zotero-less workflows use) reads the RIS and BibTeX;
feedparser (what many feed readers are built on) reads the Atom feeds; the Nu Html Checker
(the W3C's validator, vnu-jar) checks every page, stylesheet and drawing of the site.

Each skips, saying why, where its client is not installed (`.ci/run` installs Debian's
pandoc and a Java runtime, and citation-js and vnu-jar from npm into .ci/node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import include_all
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
needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU.is_file(),
    reason=f"the Nu Html Checker is not installed (java, and npm install --prefix .ci/node vnu-jar; {VNU})",
)

STUDIES = r"""
@article{kogan2016,
  author = {Kogan, Irena and {European Union}},
  title = {Integration policies in {Europe} and the {MIPEX}},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016}, pages = {401--420},
  doi = {10.1080/1369183X.2016.1152174}
}
@techreport{ruiz2019, author = {Ruiz, Ana}, title = {Family reunion in Denmark}, institution = {OECD},
  number = {12}, type = {Working paper}, year = {2019}}
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
