"""Deduplication never raises, whatever names and titles the records that imported hold.

Records with empty, punctuation-only, LaTeX-only, CJK-only and huge names and titles go
through the matcher directly (many cases, fast) and through the commands a curator types
(`import`, `dedupe`, `review --list`, `show`: fewer cases, each a fresh library).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.cli import main
from tracker.dedupe import MatchRecord, find_duplicates
from tracker.entry import Name

#: Pieces hostile exports are made of: markup that folds to nothing, scripts without
#: Latin letters, punctuation, particles and suffixes alone.
_HOSTILE_WORDS = st.sampled_from(
    [
        "",
        " ",
        "-",
        "...",
        "&amp;",
        "{}",
        "$\\alpha$",
        "\\textbf{}",
        "{\\'{}}",
        "Jr.",
        "III",
        "van der",
        "移民",
        "融合政策",
        "Интеграция",
        "سياسة",
        "ʻ",
        "\u200b",
        "Integration",
        "policy",
        "2019",
        "Part II",
        "[Review]",
        "[12 refs]",
        "(multiple letters)",
        "[Chinese]",
    ]
)
_TEXT = st.one_of(
    st.lists(_HOSTILE_WORDS, max_size=8).map(" ".join),
    st.text(max_size=40),
    st.integers(min_value=1, max_value=4).map(lambda n: "Integration " * (5000 * n)),  # huge
)
_NAME = st.builds(Name, family=_TEXT, given=_TEXT, particle=st.sampled_from(["", "van", "de"]), literal=st.just(""))
_LITERAL = st.builds(Name, literal=_TEXT)
_RECORD_FIELDS = st.fixed_dictionaries(
    {
        "title": _TEXT,
        "authors": st.lists(st.one_of(_NAME, _LITERAL), max_size=4),
        "year": st.sampled_from(["", "2019", "2020", "19", "abcd"]),
        "container": _TEXT,
        "volume": st.sampled_from(["", "12", "12", "xii", "-"]),
        "number": st.sampled_from(["", "3", "3-4", "Suppl 1", "S", "0"]),
        "pages": st.sampled_from(["", "1-10", "e123", "Suppl-6", "iii–xi", "--", "10-5", "99999999999999999999"]),
        "doi": st.sampled_from(["", "10.1/x", "10.1/x", "10.2/y"]),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RECORD_FIELDS, min_size=2, max_size=6))
def test_the_matcher_never_raises_on_hostile_records(fields):
    records = [MatchRecord(id=str(i), **f) for i, f in enumerate(fields)]
    result = find_duplicates(records)
    for a, b, score in [*result.merges, *result.review]:
        assert a != b
        assert score.reasons  # every decision keeps its reasons in words


def _bibtex_value(text: str) -> str:
    """A value BibTeX can carry: no braces (unbalanced ones are an import failure, tested
    with the readers), no `@` starting a new entry, no backslash escaping the closing brace."""
    return text.replace("{", "").replace("}", "").replace("@", "").rstrip("\\")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT), min_size=2, max_size=4))
def test_dedupe_review_and_show_never_fail_on_records_that_imported(entries):
    entries = [(_bibtex_value(t[:2000]), _bibtex_value(a[:300]), _bibtex_value(b[:300])) for t, a, b in entries]
    text = "\n".join(
        f"@article{{k{i}, title = {{{title}}}, author = {{{first} and {{{second}}}}}, year = {{2019}},"
        f" journal = {{{title[:20]}}}, volume = {{4}}, pages = {{1--9}}}}\n"
        for i, (title, first, second) in enumerate([*entries, entries[0]])  # the first twice: a pair to judge
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.bib"
        path.write_text(text, encoding="utf-8")
        runner = CliRunner()

        def run(*args: str) -> str:
            result = runner.invoke(main, ["--library", folder, *args], catch_exceptions=True)
            assert result.exception is None or isinstance(result.exception, SystemExit), result.output
            assert "Traceback" not in result.output
            return result.output

        run("import", str(path))
        run("dedupe")
        run("review", "--list")
        for i in range(len(entries) + 1):
            run("show", f"k{i}")


def test_one_author_of_many_words_is_read_in_one_pass():
    """A single author field holding a long run of words (a pasted affiliation, a list
    without separators) once sent the run-together-authors check backtracking for
    minutes; it must be read like any other name."""
    name = Name(family="Smith", given=" ".join(["Integration"] * 3000) + " x")
    records = [MatchRecord(id=str(i), title="Integration policy and naturalisation", authors=[name]) for i in range(2)]
    assert find_duplicates(records).clusters == [[0, 1]]
