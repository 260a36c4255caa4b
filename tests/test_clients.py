"""The tracker's exports read by the clients its users cite with: pandoc's citeproc (which
LaTeX-free writers use) reads the BibTeX and CSL-JSON downloads and prints them in APA.

Skips, saying why, where pandoc is not installed (`.ci/run` installs Debian's)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import include_all
from tracker.library import Library
from tracker.publish.citations import STYLE_FOLDER

PANDOC = shutil.which("pandoc")
pytestmark = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (apt-get install pandoc)")

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
