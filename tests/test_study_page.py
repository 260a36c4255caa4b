"""A study's page as a reader uses it: the authors by their full names, every tag a link,
its citation formatted to copy in APA, Chicago and Harvard, at an address that reads like
its key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import include_all
from tracker.library import Library
from tracker.publish import citations

STUDIES = r"""
@article{kogan2016,
  author = {Kogan, Irena and Shen, Jing},
  title = {Integration policies and the life satisfaction of immigrants in Sweden},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016}, volume = {42}, number = {11},
  pages = {1783--1809}, doi = {10.1080/1369183X.2016.1152174},
  abstract = {Multilevel models relate MIPEX integration policy scores to the life satisfaction of immigrants.}
}
@techreport{Roach2019443,
  author = {{European Commission} and van der Berg, Jan},
  title = {Migrant health and <b>bold</b> policy in Denmark},
  institution = {Publications Office}, year = {2019}, type = {Working paper}, number = {12}
}
"""


def _built(tmp_path: Path, write, text: str = STUDIES) -> tuple[Library, Path]:  # type: ignore[no-untyped-def]
    library = Library(tmp_path / "library")
    library.import_files([write("studies.bib", text)])
    include_all(library)
    library.tag()
    library.build()
    return library, library.paths.root / "site"


def _citations(page: str) -> dict[str, str]:
    """Style name -> the citation as the page shows it, tags and all."""
    found = re.findall(r'<figcaption id="style-\d">([^<]+)</figcaption>\s*<p class="reference"[^>]*>(.*?)</p>', page)
    return dict(found)


def test_a_study_page_names_its_authors_in_full_and_links_every_tag(tmp_path, write):
    _, site = _built(tmp_path, write)
    page = (site / "studies" / "kogan2016" / "index.html").read_text()
    assert "Irena Kogan, Jing Shen (2016)" in page
    for folder in ("areas", "countries", "outcomes", "uses"):  # every kind of tag it has is a link
        assert re.search(rf'<a class="tag" href="\.\./\.\./{folder}/[a-z_]+/index\.html"', page), folder
    for link in re.findall(r'<a class="tag" href="([^"]+)"', page):
        assert (site / "studies" / "kogan2016" / link).resolve().is_file(), link  # and leads to a page
    report = (site / "studies" / "Roach2019443" / "index.html").read_text()
    assert "European Commission, Jan van der Berg (2019)" in report  # an organisation keeps its name whole


def test_a_study_page_offers_its_citation_in_apa_chicago_and_harvard(tmp_path, write):
    _, site = _built(tmp_path, write)
    shown = _citations((site / "studies" / "kogan2016" / "index.html").read_text())
    assert shown == {
        "APA 7th": "Kogan, I., &amp; Shen, J. (2016). Integration policies and the life satisfaction of immigrants "
        "in Sweden. <i>Journal of Ethnic and Migration Studies</i>, <i>42</i>(11), 1783–1809. "
        "https://doi.org/10.1080/1369183X.2016.1152174",
        "Chicago (author-date)": "Kogan, Irena, and Jing Shen. 2016. “Integration Policies and the Life Satisfaction "
        "of Immigrants in Sweden.” <i>Journal of Ethnic and Migration Studies</i> 42 (11): 1783–1809. "
        "https://doi.org/10.1080/1369183X.2016.1152174.",
        "Harvard": "Kogan, I. and Shen, J. (2016) ‘Integration policies and the life satisfaction of immigrants in "
        "Sweden’, <i>Journal of Ethnic and Migration Studies</i>, 42(11), pp. 1783–1809. "
        "Available at: https://doi.org/10.1080/1369183X.2016.1152174.",
    }
    report = _citations((site / "studies" / "Roach2019443" / "index.html").read_text())
    assert report["APA 7th"].startswith("European Commission, &amp; van der Berg, J. (2019).")
    for text in report.values():  # markup in a title prints as text: only the style's own italics are tags
        assert "&lt;b&gt;bold&lt;/b&gt;" in text and "<b>" not in text
        assert "working paper" in text.lower() and "12" in text and "Publications Office" in text


def test_citations_are_formatted_once_and_reused_by_the_next_build(tmp_path, write, monkeypatch):
    formatted: list[str] = []
    real = citations.format_citation

    def counted(item, stem):  # type: ignore[no-untyped-def]
        formatted.append(stem)
        return real(item, stem)

    monkeypatch.setattr(citations, "format_citation", counted)
    library, site = _built(tmp_path, write)
    assert len(formatted) == 6  # two studies, three styles
    first = (site / "studies" / "kogan2016" / "index.html").read_bytes()
    library.build()
    assert len(formatted) == 6 and (site / "studies" / "kogan2016" / "index.html").read_bytes() == first
    library.edit("kogan2016", {"volume": "43"})
    library.build()
    assert len(formatted) == 9  # only the changed study, again
    assert "<i>43</i>(11)" in (site / "studies" / "kogan2016" / "index.html").read_text()
    kept = json.loads(library.paths.citation_cache.read_text())
    assert len(kept) == 6  # the citations of the old volume are not kept


def test_a_cache_that_cannot_be_read_only_costs_time(tmp_path, write):
    library, site = _built(tmp_path, write)
    for broken in ("{not json", "[1, 2]", '{"apa:x": 3}', ""):
        library.paths.citation_cache.write_text(broken)
        library.build()
        assert "APA 7th" in (site / "studies" / "kogan2016" / "index.html").read_text()


def test_a_keys_case_never_hashes_its_address_and_pages_alike_but_for_case_are_reported(tmp_path, write):
    text = STUDIES + "@article{kogan2016x, title = {Another}, author = {A, B}, year = {2020}, journal = {J}}\n"
    library, site = _built(tmp_path, write, text.replace("kogan2016x", "KOGAN2016"))
    assert (site / "studies" / "Roach2019443" / "Roach2019443.bib").is_file()
    assert (site / "studies" / "KOGAN2016" / "index.html").is_file()
    report = library.build()
    assert any("KOGAN2016" in w and "kogan2016" in w and "case" in w for w in report.warnings), report.warnings


def test_json_ld_says_what_kind_of_work_it_is_who_wrote_it_and_where_the_page_is(tmp_path, write):
    library, site = _built(tmp_path, write)
    page = (site / "studies" / "Roach2019443" / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert data["@type"] == "Report" and data["url"] == "./"  # the page itself, not studies/KEY/ below it
    assert data["author"] == [
        {"@type": "Organization", "name": "European Commission"},
        {"@type": "Person", "name": "Jan van der Berg", "familyName": "van der Berg", "givenName": "Jan"},
    ]
    assert data["sourceOrganization"] == {"@type": "Organization", "name": "Publications Office"}
    article = (site / "studies" / "kogan2016" / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', article).group(1))
    assert data["@type"] == "ScholarlyArticle"
    assert data["isPartOf"] == {"@type": "Periodical", "name": "Journal of Ethnic and Migration Studies"}
    # the abstract is shown and given to Zotero once each, not a third time in the JSON-LD
    abstract = "Multilevel models relate MIPEX integration policy scores to the life satisfaction of immigrants."
    assert "abstract" not in data and f"<p>{abstract}</p>" in article
    assert f'<meta name="citation_abstract" content="{abstract}">' in article
    library.build(base_url="https://example.org/mipex")
    article = (site / "studies" / "kogan2016" / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', article).group(1))
    assert data["url"] == "https://example.org/mipex/studies/kogan2016/"


CHAPTERS = r"""
@incollection{berg2020,
  author = {van der Berg, Jan}, editor = {Bauböck, Rainer},
  title = {Measuring integration policy}, booktitle = {Handbook of Migration Policy},
  publisher = {Elgar}, year = {2020}, pages = {10--25}, isbn = {978-1-78811-000-0},
  keywords = {MIPEX; measurement}
}
@phdthesis{ruiz2019, author = {Ruiz, Ana}, title = {Policies of belonging},
  school = {European University Institute}, year = {2019}}
@inproceedings{lee2021, author = {Lee, Min}, title = {Policy and health},
  booktitle = {Proceedings of the Migration Conference}, year = {2021}}
@article{kim2022, author = {Kim, Jo}, title = {Integration}, journal = {Migration Studies}, year = {2022},
  number = {3}, issn = {2049-5838, 2049-5846}}
"""


def _meta(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', page):
        found.setdefault(name, []).append(content)
    return found


def test_highwire_tags_say_what_kind_of_work_each_study_is_as_zotero_reads_them(tmp_path, write):
    _, site = _built(tmp_path, write, STUDIES + CHAPTERS)
    chapter = _meta((site / "studies" / "berg2020" / "index.html").read_text())
    assert chapter["citation_inbook_title"] == ["Handbook of Migration Policy"]  # a book section, not an article
    assert chapter["citation_editor"] == ["Bauböck, Rainer"] and chapter["citation_isbn"] == ["978-1-78811-000-0"]
    assert chapter["citation_keywords"] == ["MIPEX; measurement"] and "citation_journal_title" not in chapter
    thesis = _meta((site / "studies" / "ruiz2019" / "index.html").read_text())
    assert thesis["citation_dissertation_institution"] == ["European University Institute"]
    report = _meta((site / "studies" / "Roach2019443" / "index.html").read_text())
    # an organisation as Zotero's translator keeps it whole: a family name and nothing after the comma
    assert report["citation_author"] == ["European Commission,", "van der Berg, Jan"]
    assert report["citation_technical_report_institution"] == ["Publications Office"]
    assert report["citation_technical_report_number"] == ["12"] and "citation_issue" not in report
    paper = _meta((site / "studies" / "lee2021" / "index.html").read_text())
    assert paper["citation_conference_title"] == ["Proceedings of the Migration Conference"]
    article = _meta((site / "studies" / "kim2022" / "index.html").read_text())
    assert article["citation_journal_title"] == ["Migration Studies"] and article["citation_issue"] == ["3"]
    assert article["citation_issn"] == ["2049-5838", "2049-5846"]
