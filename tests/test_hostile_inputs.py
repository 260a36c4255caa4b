"""Hostile and broken inputs (the curator's-desk issue): each kind becomes a failed entry or
a warning with its file and line, the other entries import, and nothing prints a traceback
— on both stores (see conftest). Plus a seeded mutator over the project's fixtures that
runs every reader for a bounded time. The inputs are the project's own, generated here."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from tracker.ingest import InputError, read_bytes, storable
from tracker.vocab import load_vocabulary

FIXTURES = Path(__file__).parent / "fixtures"


def _import(cli, write, name, content):  # type: ignore[no-untyped-def]
    result = cli("import", str(write(name, content)))
    assert "Traceback" not in result.output, result.output
    return result


def test_long_crossref_and_xdata_chains_are_inherited_without_recursion(cli, write, library):
    crossref = "".join(f"@misc{{c{i}, title={{T{i}}}, crossref={{c{i + 1}}}}}\n" for i in range(1200))
    crossref += "@misc{c1200, title={End}, publisher={Chain Press}}\n@article{fine, title={Fine}}\n"
    xdata = "".join(f"@misc{{x{i}, title={{X{i}}}, xdata={{x{i + 1}}}}}\n" for i in range(10_000))
    xdata += "@misc{x10000, title={End}, publisher={Data Press}}\n"
    assert _import(cli, write, "crossref.bib", crossref).exit_code == 0
    read = _import(cli, write, "xdata.bib", xdata)
    assert read.exit_code == 0 and "unknown key" not in read.output  # one-line entries: the file is not cut
    assert library.status().records == 1202 + 10_001
    assert library.views(["c0"])[0].fields.get("publisher") == "Chain Press"  # inherited down 1,200 links
    assert library.views(["x0"])[0].fields.get("publisher") == "Data Press"


def test_a_macro_bomb_fails_its_entry_only_quickly(cli, write, library):
    bomb = '@string{a0 = "ab"}\n' + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 41))
    bomb += "@misc{bomb, title = a40}\n@article{fine, title = {Fine}, note = a5}\n"
    started = time.perf_counter()
    result = _import(cli, write, "bomb.bib", bomb)
    assert time.perf_counter() - started < 60
    assert result.exit_code == 0
    failures = cli("failures").output
    assert "bomb.bib:42: [bomb]" in failures and "expands beyond 1,000,000 characters" in failures
    assert library.views(["fine"])[0].fields["note"] == "ab" * 32  # a macro within budget expands


def test_csl_json_too_deep_huge_numbers_and_broken_escapes_are_reported_not_crashes(cli, write, library):
    deep = "[" * 100_000 + "]" * 100_000
    text = f'[{{"id": "before", "type": "article", "title": "Before"}}, {deep}, '
    text += '{"id": "big", "type": "article", "title": "Big", "volume": ' + "9" * 5000 + "}, "
    text += '{"id": "broken", "type": "article", "title": "Bad \\ud800 escape and a \\u0000 NUL"}]'
    result = _import(cli, write, "hostile.json", text)
    assert result.exit_code == 0
    assert "nested too deeply" in cli("failures").output
    assert library.views(["big"])[0].fields["volume"] == "9" * 5000
    broken = library.views(["broken"])[0]
    assert broken.fields["title"] == "Bad \ufffd escape and a \ufffd NUL"
    assert "replaced by U+FFFD" in cli("show", "broken").output
    assert library.views(["before"])


def test_text_that_looks_like_markup_is_printed_as_it_is(cli, write, library):
    _import(cli, write, "markup.bib", "@article{k[/x], title={Bad [/i] markup [in press]}}\n")
    cli("tag")
    assert "Bad [/i] markup [in press]" in cli("screen", "--list").output
    cli("screen", "k[/x]", "include")  # the tag review asks about included studies
    for command in (("show", "k[/x]"), ("review", "tags", "--list"), ("screen", "--list"), ("status",)):
        result = cli(*command)
        assert result.exit_code == 0 and "Traceback" not in result.output, (command, result.output)
    assert "Bad [/i] markup [in press]" in cli("show", "k[/x]").output
    assert "Bad [/i] markup [in press]" in cli("review", "tags", input="q").output


def test_every_code_can_be_removed_by_hand(cli, write, library):
    """`-area:health` holds an `h`: click once read it as `-h`, printed the help and applied
    nothing. Every removal of every code must be applied."""
    _import(cli, write, "one.bib", "@article{one, title={Integration policy in Germany}}\n")
    for facet in ("area", "country", "outcome"):
        for code in load_vocabulary(facet).terms:
            result = cli("tag", "one", f"-{facet}:{code}")
            assert result.exit_code == 0 and "Usage:" not in result.output, (facet, code, result.output)
    assert "Usage:" in cli("tag", "-h").output


# -- a seeded mutator over the project's fixtures ----------------------------------------------

_MUTATIONS = ("truncate", "duplicate", "flip", "brace", "newlines", "splice")
FUZZ_SECONDS = 20.0


def _mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(_MUTATIONS)
    at = rng.randrange(len(data) + 1)
    if kind == "truncate":
        return data[:at]
    if kind == "duplicate":
        end = min(len(data), at + rng.randrange(1, 400))
        return data[:end] + data[at:end] + data[end:]
    if kind == "flip":
        mutated = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            if mutated:
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        return bytes(mutated)
    if kind == "brace":
        return (
            data[:at] + rng.choice([b"{", b"}", b"[", b"]", b'"', b"@", b"\\", b"%"]) * rng.randrange(1, 50) + data[at:]
        )
    if kind == "newlines":
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n"]))
    return data[:at] + data[rng.randrange(len(data) + 1) :]


@pytest.mark.parametrize("fixture", ["awkward.bib", "scopus-like.ris", "zotero.json", "abstracts.md"])
def test_every_reader_survives_mutated_files_and_accounts_for_what_it_reads(fixture):
    """Seeded, bounded in time: truncations, duplicated spans, flipped bytes, inserted
    braces and quotes, other line ends, spliced halves. Each mutated file is refused with
    a one-line reason or read into entries that each say where they start and what they
    are (parsed, or failed with a reason): never an exception."""
    original = (FIXTURES / fixture).read_bytes()
    fmt = {"bib": "bibtex", "ris": "ris", "json": "csljson", "md": "abstracts"}[fixture.rsplit(".", 1)[1]]
    rng = random.Random(fixture)
    deadline = time.perf_counter() + FUZZ_SECONDS / 4
    tried = 0
    while time.perf_counter() < deadline:
        data = original
        for _ in range(rng.randrange(1, 4)):
            data = _mutate(data, rng) if data else data
        tried += 1
        try:
            read = read_bytes(Path(fixture), data, fmt)
        except InputError as error:
            assert str(error) and "\n" not in str(error)
            continue
        for entry in read.stream():
            assert entry.line >= 1
            assert entry.failed == bool(entry.error) and (entry.raw or entry.failed or entry.kind == "abstract")
    assert tried > 20
    print(f"{fixture}: {tried} mutated files read in {FUZZ_SECONDS / 4:.0f} s")  # with -s: the count the note quotes


def test_a_title_of_thousands_of_braced_words_imports_and_exports_without_hanging(cli, write, library):
    """Each braced phrase is looked up in the title when it is written: a title of 20,000 of
    them keeps its text, and protection stops at a real title's worth (no search per phrase
    over a huge title)."""
    title = " ".join(f"{{W{i}}}" for i in range(20_000))
    started = time.perf_counter()
    result = _import(cli, write, "braces.bib", f"@article{{braces, title = {{{title}}}, year = {{2020}}}}\n")
    exported = cli("export").output
    assert time.perf_counter() - started < 60  # a guard against a hang, not a measure
    assert result.exit_code == 0
    assert library.views(["braces"])[0].fields["title"] == " ".join(f"W{i}" for i in range(20_000))
    assert "title = {W0 W1 W2" in exported  # too long a title to protect phrase by phrase


def test_an_abstract_that_repeats_its_phrases_thousands_of_times_is_tagged_without_hanging(cli, write, library):
    """Every phrase of a text is set against the phrases near it, not against every other:
    an abstract naming attitudes, refugees and a policy 30,000 times (1.8 MB) took minutes
    to tag, pair by pair; the tags and their first few phrases of evidence still come."""
    sentence = "Attitudes toward refugees and migrant flows in Sweden follow family reunification policy. "
    abstract = sentence * 30_000
    started = time.perf_counter()
    entry = f"@article{{long, title = {{A long one}}, year = {{2020}}, abstract = {{{abstract}}}}}\n"
    _import(cli, write, "long.bib", entry)
    result = cli("tag")
    assert time.perf_counter() - started < 60  # a guard against a hang, not a measure
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    shown = cli("show", "long").output
    assert "public_attitudes" in shown and "family_reunion" in shown and "SE" in shown, shown


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "long.bib",
            "@article{fine, title = {A fine study}, year = {2020}}\n\n"
            "@article{pasted, title = {A paper pasted whole}, year = {2021}, abstract = {{BODY}}}\n",
        ),
        (
            "long.ris",
            "TY  - JOUR\nTI  - A fine study\nPY  - 2020\nER  - \n\nTY  - JOUR\nTI  - Pasted\nAB  - {BODY}\nER  - \n",
        ),
    ],
)
def test_a_field_of_megabytes_fails_its_entry_with_the_reason_and_keeps_its_text(cli, write, library, name, text):
    """A field of more than sixteen million characters is not bibliographic data: kept
    whole it cost every later command copies of it (a 31 MB abstract: a gigabyte to build,
    a minute to tag). Its entry fails with file, line and reason, its text kept; the rest of
    the file imports, and the library's commands stay light."""
    body = "word " * 3_300_000  # 16.5 million characters: its entry is read, the field refused
    result = _import(cli, write, name, text.replace("{BODY}", body))
    assert "more than the 16,000,000 a field may" in result.output
    assert [v.fields["title"] for v in library.views()] == ["A fine study"]
    failures = cli("failures", "--raw").output
    line = 3 if name.endswith(".bib") else 6
    assert f"{name}:{line}:" in failures
    assert re.search(r"field 'abstract' holds 16,[45]\d\d,\d\d\d characters", failures)
    assert body[:500] in failures
    for command in (("tag",), ("dedupe",), ("build",)):
        assert cli(*command).exit_code == 0


def test_an_entry_longer_than_any_field_may_be_is_refused_before_it_is_parsed(cli, write, library, monkeypatch):
    """An entry too long to hold bibliographic data (a 67 MB abstract) is failed before a
    parser sees it: bibtexparser's splitter and rispy each held several copies of it (an
    import took a gigabyte). The entries around it import with their own lines, a crossref
    across it still resolves, and its text is kept."""
    monkeypatch.setattr(storable, "MOST_FIELD_CHARACTERS", 1_000)  # the real limits, scaled down
    monkeypatch.setattr(storable, "MOST_ENTRY_CHARACTERS", 2_000)
    body = "word " * 1_000
    bib = (
        "@book{parent, title = {The parent volume}, publisher = {Policy Press}, year = {2019}}\n\n"
        f"@article{{pasted, title = {{Pasted}},\n  abstract = {{{body}\n{body}}}}}\n\n"
        "@incollection{child, title = {A chapter}, crossref = {parent}}\n\n"
        "@article{broken, title = {No closing brace}\n"
    )
    result = _import(cli, write, "long.bib", bib)
    assert "long.bib:3: the entry holds 10,0" in result.output and "more than the 2,000 an entry may" in result.output
    publishers = {v.key: v.fields.get("publisher") for v in library.views()}
    assert publishers == {"parent": "Policy Press", "child": "Policy Press"}
    failures = cli("failures", "--raw").output
    assert "long.bib:9: [broken]" in failures  # the entry after the refused one keeps its own line
    assert body[:500] in failures
    ris = "TY  - JOUR\nTI  - Fine\nER  - \n\nTY  - JOUR\nTI  - Pasted\nAB  - " + body * 3 + "\nER  - \n"
    assert "long.ris:5: the entry holds" in _import(cli, write, "long.ris", ris).output
    assert "Fine" in {v.fields.get("title") for v in library.views()}
