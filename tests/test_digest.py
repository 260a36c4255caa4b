"""The monthly "MIPEX in Use" digest: a curator's whole cycle through the command line,
golden outputs (Markdown, e-mail, page), published issues frozen against later changes, and
the store rebuilt from `bib/` reproducing every digest.

The studies are the project's own test texts. Golden files live in tests/fixtures/golden/;
after a deliberate change, rewrite them with `UPDATE_GOLDEN=1 python -m pytest tests/test_digest.py`.
"""

from __future__ import annotations

import email
import html
import os
import re
import sys
import time
from email import policy
from pathlib import Path

import pytest

from tracker.digest.summaries import draft_summary, sentence_problem, sentences
from tracker.library import Library, digests

from .conftest import FIXTURES, drop_store

GOLDEN = FIXTURES / "golden"
NOVEMBER = r"""
@article{kogan2016,
  author = {Kogan, Irena and Shen, Jing}, year = {2016},
  title = {Integration policies and the life satisfaction of immigrants in Sweden},
  journal = {Journal of Ethnic and Migration Studies}, doi = {10.1080/1369183X.2016.1152174},
  abstract = {Do inclusive integration policies make immigrants happier? This article uses the
    MIPEX labour market mobility strand to explain the life satisfaction of immigrants in
    Sweden and Germany. We find that immigrants are more satisfied where labour market
    policies are more inclusive. The association is strongest for recent arrivals.}
}
@article{weber2019,
  author = {Weber, Anna}, year = {2019},
  title = {Access to health care for immigrants in Germany},
  journal = {Social Science and Medicine},
  abstract = {We use the MIPEX health strand to explain self-rated health of immigrants in
    Germany. Results show better health where entitlements are wider. Policy makers should
    take note.}
}
@book{huddleston2021,
  author = {Huddleston, Thomas}, year = {2021},
  title = {Naturalisation policies in Europe: a comparison with MIPEX},
  publisher = {Migration Policy Group}
}
"""
DECEMBER = r"""
@article{ruiz2026,
  author = {Ruiz, Carmen}, year = {2026},
  title = {Family reunification rules and the employment of spouses in Spain},
  journal = {International Migration},
  abstract = {This study compares family reunification policies with MIPEX. Spouses are employed
    more often where the rules are less restrictive.}
}
"""
KOGAN_SUMMARY = (
    "Kogan and Shen relate MIPEX labour market scores to immigrants' life satisfaction in Sweden and "
    "Germany. Inclusive labour market policies go with more satisfied immigrants."
)


@pytest.fixture
def fixed_clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Publishing dates from a clock the test sets, so golden files stay golden."""
    times = iter(f"2026-11-{day:02d}T09:00:00Z" for day in range(20, 31))
    monkeypatch.setattr(digests, "_now", lambda: next(times))


def _editor(tmp_path: Path, text: str) -> str:
    """An $EDITOR that writes `text` into the file it is given, as a curator would."""
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write({text!r})\n")
    return f"{sys.executable} {script}"


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_a_curators_month_through_the_command_line(cli, write, tmp_path, monkeypatch, fixed_clock):
    assert cli("import", str(write("november.bib", NOVEMBER))).exit_code == 0
    assert cli("tag").exit_code == 0
    drafted = cli("digest", "new", "2026-11", "--title", "November-December MIPEX in Use")
    assert drafted.exit_code == 0, drafted.output
    assert "November-December MIPEX in Use (draft, 3 studies)" in drafted.output
    assert "MIPEX) measures policies to integrate migrants in 56 countries" in drafted.output  # standing text
    # by policy area as a curator groups them: the labour market before health, untagged or overall by MIPEX order
    order = re.findall(r"^\d+\. (\w+):", drafted.output, re.MULTILINE)
    assert sorted(order) == ["huddleston2021", "kogan2016", "weber2019"]
    assert order.index("kogan2016") < order.index("weber2019")
    shown = cli("digest", "show", "2026-11").output
    assert "DRAFT summary" in shown and "NO SUMMARY" in shown  # huddleston2021 has no abstract
    assert "to do: 1 summaries to write, 2 drafts to accept or rewrite, 0 outside 2-4 sentences" in shown

    assert cli("digest", "summary", "kogan2016", "--text", KOGAN_SUMMARY).exit_code == 0
    accepted = cli("digest", "summary", "weber2019", "--accept")
    assert accepted.exit_code == 0 and "weber2019 (summary): We use the MIPEX health strand" in accepted.output
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "A comparison of naturalisation rules. It uses MIPEX.\n"))
    edited = cli("digest", "summary", "huddleston2021", "--edit")
    assert edited.exit_code == 0 and "A comparison of naturalisation rules. It uses MIPEX." in edited.output
    assert cli("digest", "move", "2026-11", "huddleston2021", "--to", "1").exit_code == 0

    published = cli("digest", "publish", "2026-11")
    assert published.exit_code == 0, published.output
    bib = cli.library_dir / "bib" / "digests"
    assert {p.name for p in bib.iterdir()} == {"2026-11.json", "2026-11.md", "2026-11.eml"}
    markdown = (bib / "2026-11.md").read_text()
    assert markdown.startswith("# November-December MIPEX in Use\n")
    assert markdown.index("## 1. Naturalisation policies") < markdown.index("Integration policies and the life")
    assert KOGAN_SUMMARY in markdown and "## About the Migration Policy Group" in markdown
    listed = cli("digest", "list").output
    assert "2026-11  published 2026-11-21" in listed and "3 studies  November-December MIPEX in Use" in listed

    assert cli("build").exit_code == 0
    site = cli.library_dir / "site"
    page = _plain((site / "digests" / "2026-11" / "index.html").read_text())
    assert "November-December MIPEX in Use" in page and KOGAN_SUMMARY in page
    assert "November-December MIPEX in Use" in (site / "digests" / "index.html").read_text()
    assert "<title>November-December MIPEX in Use</title>" in (site / "feeds" / "digests.atom.xml").read_text()
    study = _plain((site / "studies" / "kogan2016" / "index.html").read_text())
    assert f"Summary {KOGAN_SUMMARY}" in study  # the summary belongs to the study

    # next month: only what came after the last issue and is in no digest
    assert cli("import", str(write("december.bib", DECEMBER))).exit_code == 0
    december = cli("digest", "new", "2026-12")
    assert "(draft, 1 studies)" in december.output and "ruiz2026" in december.output


def _published_library(tmp_path: Path, write, db_url=None) -> Library:  # type: ignore[no-untyped-def]
    library = Library(tmp_path / "library", db_url)
    library.import_files([write("november.bib", NOVEMBER)])
    library.tag()
    library.digests.new("2026-11", "November-December MIPEX in Use")
    library.digests.write_summary("kogan2016", KOGAN_SUMMARY)
    library.digests.accept_draft("weber2019")
    library.digests.write_summary("huddleston2021", "A comparison of naturalisation rules. It uses MIPEX.")
    library.digests.publish("2026-11")
    return library


@pytest.mark.parametrize("kind", ["md", "eml", "html"])
def test_golden_outputs_of_a_published_issue(tmp_path, write, fixed_clock, kind):
    library = _published_library(tmp_path, write)
    if kind == "html":
        library.build()
        produced = (library.paths.root / "site" / "digests" / "2026-11" / "index.html").read_text()
    else:
        produced = (library.paths.bib / "digests" / f"2026-11.{kind}").read_bytes().decode()
    golden = GOLDEN / f"digest-2026-11.{kind}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced.encode())
    assert produced == golden.read_bytes().decode()


def test_the_email_carries_inlined_html_and_a_text_part(tmp_path, write, fixed_clock):
    library = _published_library(tmp_path, write)
    (library.paths.bib / "site.toml").write_text('digest_from = "MIPEX <mipex@example.org>"\n')
    library.digests.revise("2026-11", "sender named")
    message = email.message_from_bytes((library.paths.bib / "digests" / "2026-11.eml").read_bytes(), policy=policy.SMTP)
    assert message["Subject"] == "November-December MIPEX in Use" and message["From"] == "MIPEX <mipex@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert KOGAN_SUMMARY in text and KOGAN_SUMMARY in html
    assert "<style" not in html  # mail clients drop <style>: the rules are inlined
    assert re.search(r'<h1 style="[^"]*color: ?#0057a3', html)
    assert "revised 2026-11-22: sender named" in text


def test_a_published_issue_stays_as_published_until_a_recorded_revision(tmp_path, write, fixed_clock):
    library = _published_library(tmp_path, write)
    markdown = library.paths.bib / "digests" / "2026-11.md"
    before_text, before = markdown.read_text(), library.digests.show("2026-11")
    # later: a duplicate record merges into kogan2016, tags change, the title is edited
    library.import_files([write("again.bib", NOVEMBER.replace("kogan2016", "kogan2016dup", 1))])
    library.dedupe()
    library.change_tags("weber2019", ["-area:health", "+area:education"])
    library.edit("kogan2016", {"title": "A new title"})
    library.digests.write_summary("weber2019", "Another summary. It has two sentences.")
    assert library.digests.show("2026-11") == before
    assert markdown.read_text() == before_text
    with pytest.raises(ValueError, match="published and frozen"):
        library.digests.add("2026-11", ["kogan2016dup"])
    revised, _ = library.digests.revise("2026-11", "corrected the title of Kogan and Shen")
    assert revised.revision == 2 and {e.key: e.title for e in revised.entries}["kogan2016"] == "A new title"
    assert [r["reason"] for r in revised.revisions] == ["published", "corrected the title of Kogan and Shen"]
    assert "A new title" in markdown.read_text()


def test_the_store_rebuilt_from_bib_reproduces_every_digest(tmp_path, write, db_url, fixed_clock):
    library = _published_library(tmp_path, write, db_url)
    library.import_files([write("december.bib", DECEMBER)])
    library.digests.new("2026-12")
    library.build()
    site = library.paths.root / "site" / "digests" / "2026-11" / "index.html"
    published, page = library.digests.list(), site.read_bytes()
    drop_store(library.paths.root, db_url)
    rebuilt = Library(tmp_path / "library", db_url)
    assert rebuilt.digests.list() == published
    rebuilt.build()
    assert site.read_bytes() == page
    assert rebuilt.digests.summary("kogan2016")[:2] == (KOGAN_SUMMARY, "curator")


def test_digest_mistakes_are_one_line_and_change_nothing(cli, write, fixed_clock):
    cli("import", str(write("november.bib", NOVEMBER)))
    cases = [
        (["digest", "new", "November"], "is not a month: write it as YYYY-MM"),
        (["digest", "show", "2026-10"], "no digest for 2026-10"),
        (["digest", "new", "2026-11", "--since", "last week"], "write a date as YYYY-MM-DD"),
    ]
    for args, expected in cases:
        result = cli(*args)
        assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output, args
    assert cli("digest", "new", "2026-11").exit_code == 0
    cases = [
        (["digest", "new", "2026-11"], "a digest for 2026-11 exists already"),
        (["digest", "add", "2026-11", "nosuchkey"], "no study with key 'nosuchkey'"),
        (["digest", "add", "2026-11", "kogan2016"], "kogan2016 is already in the 2026-11 digest"),
        (["digest", "move", "2026-11", "kogan2016", "--to", "9"], "has positions 1 to 3"),
        (["digest", "summary", "kogan2016", "--text", "  "], "the summary is empty"),
        (["digest", "summary", "huddleston2021", "--accept"], "no abstract to draft from"),
        (["digest", "publish", "2026-11"], "no summary for huddleston2021"),
        (["digest", "revise", "2026-11", "--reason", "x"], "is a draft"),
    ]
    bib = cli.library_dir / "bib"
    image = {p: p.read_bytes() for p in bib.rglob("*") if p.is_file()}
    for args, expected in cases:
        result = cli(*args)
        assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output, args
    assert {p: p.read_bytes() for p in bib.rglob("*") if p.is_file()} == image
    cli("digest", "remove", "2026-11", "kogan2016", "weber2019", "huddleston2021")
    empty = cli("digest", "publish", "2026-11")
    assert empty.exit_code == 1 and "has no studies" in empty.output
    cli("digest", "add", "2026-11", "kogan2016")
    cli("digest", "summary", "kogan2016", "--text", "Only one sentence here.")
    short = cli("digest", "publish", "2026-11")
    assert short.exit_code == 1 and "the summary of kogan2016 has 1 sentence; a summary has 2 to 4" in short.output
    cli("digest", "remove", "2026-11", "kogan2016")
    cli("digest", "add", "2026-11", "weber2019")
    drafts = cli("digest", "publish", "2026-11")
    assert drafts.exit_code == 1 and "publish with --allow-drafts" in drafts.output
    assert cli("digest", "publish", "2026-11", "--allow-drafts").exit_code == 0


def test_a_draft_summary_takes_the_aim_and_a_finding_from_the_abstract():
    abstract = (
        "Immigration has risen in Europe since 2015. This article examines how integration policies, "
        "e.g. language courses, shape employment. We use MIPEX 2020 scores for 38 countries. "
        "We find that inclusive policies raise employment by 3.5 percentage points. Limitations are discussed."
    )
    assert sentences(draft_summary(abstract)) == [  # in the abstract's order; pysbd keeps "e.g." and "3.5"
        "This article examines how integration policies, e.g. language courses, shape employment.",
        "We use MIPEX 2020 scores for 38 countries.",
        "We find that inclusive policies raise employment by 3.5 percentage points.",
    ]
    assert sentence_problem(draft_summary(abstract)) is None
    assert draft_summary("") == ""
    assert draft_summary("Short. Abstract.") == "Short. Abstract."
    assert sentence_problem("One sentence only.") == "1 sentence; a summary has 2 to 4"
    assert sentence_problem("One. Two. Three. Four. Five.") == "5 sentences; a summary has 2 to 4"


def test_the_standing_texts_come_from_templates_a_library_may_override(tmp_path, write):
    library = Library(tmp_path / "library")
    library.import_files([write("november.bib", NOVEMBER)])
    templates = library.paths.root / "templates"
    templates.mkdir()
    (templates / "digest-intro.md").write_text("Our own welcome for {{ month_name }}.\n")
    issue = library.digests.new("2026-11", "November")
    assert issue.intro == "Our own welcome for November 2026."
    assert issue.closing.startswith("The Migration Policy Group (MPG) is an independent")  # the tracker's own
    (templates / "digest-intro.md").write_text("Changed later.\n")
    assert library.digests.show("2026-11").intro == "Our own welcome for November 2026."  # kept with the issue


def test_a_mistake_in_a_librarys_digest_template_is_one_line_naming_it(cli, write):
    cli("import", str(write("november.bib", NOVEMBER)))
    (cli.library_dir / "templates").mkdir()
    (cli.library_dir / "templates" / "digest-intro.md").write_text("Welcome.\n{{ month_name.nothing() }}\n")
    result = cli("digest", "new", "2026-11")
    assert result.exit_code == 1 and "digest-intro.md:2:" in result.output, result.output
    assert "Traceback" not in result.output
    assert "no digest yet" in cli("digest", "list").output  # nothing was drafted


def test_the_markdown_issue_carries_data_as_text_never_as_html(tmp_path, write):
    library = Library(tmp_path / "library")
    hostile = "@article{evil2026, title = {MIPEX and <script>alert(1)</script> policies}, year = {2026}}\n"
    library.import_files([write("evil.bib", hostile)])
    library.digests.new("2026-11", "November")
    library.digests.write_summary("evil2026", "It uses MIPEX <img src=x onerror=alert(2)>. It compares policies.")
    _, files = library.digests.publish("2026-11")
    markdown = next(p for p in files if p.suffix == ".md").read_text()
    assert "<script>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown


def test_a_draft_begun_too_early_can_be_dropped_and_its_studies_wait_again(cli, write, library_dir):
    cli("import", str(write("november.bib", NOVEMBER)))
    for key in ("kogan2016", "weber2019", "huddleston2021"):
        cli("screen", key, "include")
    drafted = cli("digest", "new", "2026-10")
    assert drafted.exit_code == 0, drafted.output
    assert (library_dir / "bib" / "digests" / "2026-10.json").exists()
    dropped = cli("digest", "drop", "2026-10")
    assert dropped.exit_code == 0 and "dropped the 2026-10 draft" in dropped.output
    assert not (library_dir / "bib" / "digests" / "2026-10.json").exists()
    assert "no digest yet" in cli("digest", "list").output
    assert "kogan2016" in cli("digest", "new", "2026-11").output  # the studies wait for the next issue


def test_an_issue_whose_files_cannot_be_written_stays_a_draft_with_nothing_written(cli, write, library_dir):
    cli("import", str(write("november.bib", NOVEMBER)))
    assert cli("digest", "new", "2026-11", "--title", "November\nBcc: everyone@example.org").exit_code == 1
    assert cli("digest", "new", "2026-11").exit_code == 0
    for key in ("kogan2016", "weber2019", "huddleston2021"):
        cli("digest", "summary", key, "--text", "It uses MIPEX. It compares policies.")
    folder = library_dir / "bib" / "digests"
    site_toml = library_dir / "bib" / "site.toml"
    templates = library_dir / "templates"
    templates.mkdir()
    for broken, fix in (
        (lambda: site_toml.write_text('digest_from = "MIPEX\\nBcc: x@example.org"\n'), site_toml.unlink),
        (lambda: (templates / "digest.md").write_text("{{ issue.nothing() }}\n"), (templates / "digest.md").unlink),
    ):
        broken()
        failed = cli("digest", "publish", "2026-11")
        assert failed.exit_code == 1 and "Traceback" not in failed.output, failed.output
        assert "draft" in cli("digest", "list").output  # not frozen
        assert sorted(p.name for p in folder.iterdir()) == ["2026-11.json"]  # and nothing half-written
        fix()
    published = cli("digest", "publish", "2026-11")
    assert published.exit_code == 0, published.output
    assert "the e-mail has no From" in published.output  # said, since site.toml names no sender
    assert "revision" not in cli("digest", "show", "2026-11").output  # the first publication, not a revision
    assert sorted(p.name for p in folder.iterdir()) == ["2026-11.eml", "2026-11.json", "2026-11.md"]


def test_summary_edit_shows_title_abstract_and_draft_as_lines_not_saved(cli, write, tmp_path, monkeypatch):
    cli("import", str(write("november.bib", NOVEMBER)))
    seen = tmp_path / "seen.txt"
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        f"open({str(seen)!r}, 'w', encoding='utf-8').write(text)\n"
        "kept = text[text.index('#'):]\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write('Kogan and Shen use MIPEX. They find effects.\\n' + kept)\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    edited = cli("digest", "summary", "kogan2016", "--edit")
    assert edited.exit_code == 0, edited.output
    shown = seen.read_text()
    assert "# Title: Integration policies and the life satisfaction of immigrants in Sweden" in shown
    assert "# Abstract:" in shown and "Do inclusive integration policies make immigrants happier?" in shown
    assert "# Draft from the abstract:" in shown
    assert cli("digest", "summary", "kogan2016").output.strip() == (
        "kogan2016 (summary): Kogan and Shen use MIPEX. They find effects."
    )


def test_a_megabyte_abstract_is_drafted_in_seconds(tmp_path, write):
    library = Library(tmp_path / "library")
    sentence = "This study uses MIPEX to compare integration policies across Europe and finds effects. "
    huge = sentence * (1_200_000 // len(sentence))
    library.import_files(
        [
            write(
                "huge.bib",
                f"@article{{huge2026, title = {{MIPEX at length}}, year = {{2026}},\n abstract = {{{huge}}}}}\n",
            )
        ]
    )
    started = time.perf_counter()
    issue = library.digests.new("2026-11")
    assert time.perf_counter() - started < 30  # was more than 300 s
    assert issue.entries[0].summary.startswith("This study uses MIPEX")


def test_digest_new_says_how_many_first_and_asks_before_a_huge_issue(cli, write):
    many = "".join(f"@article{{s{i}, title = {{MIPEX and integration {i}}}, year = {{2026}}}}\n" for i in range(60))
    cli("import", str(write("many.bib", many + "@article{other, title = {Forests}, year = {2026}}\n")))
    declined = cli("digest", "new", "2026-11", input="n\n")
    assert "60 studies added so far (no issue published yet) are included by screening" in declined.output
    assert "1 more of that time are not included: 1 wait for screening" in declined.output
    assert "draft an issue of 60 studies?" in declined.output and "nothing drafted" in declined.output
    assert "no digest yet" in cli("digest", "list").output
    drafted = cli("digest", "new", "2026-11", "--yes")
    assert drafted.exit_code == 0 and "(draft, 60 studies)" in drafted.output
