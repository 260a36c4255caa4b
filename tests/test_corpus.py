"""Opt-in: the real exports in ../shared/data/bib-corpus (skipped when it is absent).

Every `@entry` of every file is accounted for (read or kept as failed), and no text is
lost where bibtexparser's default LaTeX decoding loses it (a bare `%` in an abstract).
"""

from __future__ import annotations

import re

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from tracker.ingest import read_file

from .conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus absent ({CORPUS}): opt-in test skipped"),
]

_ENTRY_LINE = re.compile(r"^[ \t]*@(?!string\b|comment\b|preamble\b)\w+\s*[{(]", re.IGNORECASE | re.MULTILINE)
_TY_LINE = re.compile(r"^\ufeff?TY  -", re.MULTILINE)


def _bib_files():
    return sorted(CORPUS.glob("*.bib")) if CORPUS.exists() else []


def _ris_files():
    if not CORPUS.exists():
        return []
    return sorted(p for p in (CORPUS / "ris").glob("*") if p.name != "litsearchr_wos_medline.txt")


@pytest.mark.parametrize("path", _bib_files(), ids=lambda p: p.name)
def test_every_bibtex_entry_is_accounted_for(path):
    encoding = "gbk" if "gbk" in path.name else None
    read = read_file(path, encoding=encoding)
    entries = read.entries
    text = read.text
    assert len(entries) == len(_ENTRY_LINE.findall(text))
    for entry in entries:
        assert entry.raw.strip(), f"{path.name}:{entry.line} has no raw text"
        assert entry.failed or entry.key


@pytest.mark.parametrize("path", _ris_files(), ids=lambda p: p.name)
def test_every_ris_entry_is_accounted_for(path):
    read = read_file(path)
    assert len(read.entries) == len(_TY_LINE.findall(read.text))


def test_no_text_is_lost_after_a_bare_percent_where_bibtexparser_loses_it():
    path = CORPUS / "litsearchr_scopus_final.bib"
    ours = {e.key: e for e in read_file(path).entries if not e.failed}
    theirs = bibtexparser.parse_file(str(path), append_middleware=[LatexDecodingMiddleware()])
    with_percent = 0
    lost_by_default = 0
    for entry in theirs.entries:
        raw = entry.raw or ""
        match = re.search(r"abstract\s*=\s*\{(.*?)\},?\s*\n\s*\w+\s*=", raw, re.DOTALL | re.IGNORECASE)
        if not match or "%" not in match.group(1):
            continue
        with_percent += 1
        tail = " ".join(match.group(1).split())[-30:]
        assert tail in ours[entry.key].fields["abstract"], entry.key
        default_value = str(entry.fields_dict.get("abstract").value if "abstract" in entry.fields_dict else "")
        lost_by_default += tail not in " ".join(default_value.split())
    assert with_percent > 50
    assert lost_by_default > 0.9 * with_percent  # what this test protects against is real


@pytest.mark.parametrize("path", _ris_files(), ids=lambda p: p.name)
def test_ris_flavours_map_their_fields(path):
    entries = [e for e in read_file(path).entries if not e.failed]
    if path.name == "asreview_ris_many_authors.ris":  # a synthetic file: title and authors only
        assert entries[0].fields["title"] and len(entries[0].authors) > 100
        return
    for entry in entries:
        assert entry.fields.get("title") and entry.fields.get("year") and entry.authors, entry.raw[:200]
        assert entry.fields.get("container"), entry.raw[:200]
        doi = entry.fields.get("doi", "10.")
        assert doi.startswith("10.") and " " not in doi, doi  # bare: no resolver prefix, no spaces
