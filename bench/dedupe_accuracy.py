"""Deduplication accuracy: pairwise precision, recall and F1, the review queue, and the peer.

    python bench/dedupe_accuracy.py

Sets: ../shared/data/dedup/scopus-wos (real Scopus and Web of Science exports of one
search, half the DOIs removed) and bib-dedupe-pairs (hand-labelled pairs, each judged on
its own), each skipped with a message when absent; and a set the project generates
(tracker.synthetic.dedupe_set): works, copies written TeX-style with initials, upper-case
or abbreviated venues, dropped DOIs and typos, and hard negatives (a part II in the next
volume). Figures: automatic merges alone, and
with the review queue answered correctly (its size per 1,000 records). When bib-dedupe is
installed (an optional peer, not a dependency), its figures on the same records follow.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from tracker.dedupe import MatchRecord, find_duplicates
from tracker.entry import Name
from tracker.ingest.bibtex_steps import split_multiple_persons_names
from tracker.ingest.latex import latex_to_text
from tracker.ingest.names import name_from_text
from tracker.ingest.normalise import normalise_doi

DEDUP = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedup"


def _names(value: object) -> list[Name]:
    """Authors as the sets write them: a list, `A and B` (BibTeX) or `B. Abrahao; P. Parigi`."""
    if isinstance(value, list):
        raw = [str(v) for v in value]
    elif " and " in str(value):
        raw = split_multiple_persons_names(str(value))
    else:
        raw = [v.strip() for v in str(value or "").split(";") if v.strip()]
    names = []
    for written in raw:
        text = latex_to_text(written)
        if "," not in text and len(text.split()) > 1:  # `B. Abrahao`: given names first
            *given, family = text.split()
            names.append(Name(family=family, given=" ".join(given)))
        else:
            names.append(name_from_text(text))
    return names


def _record(data: dict, identifier: str) -> MatchRecord:
    def text(*names: str) -> str:
        return next((latex_to_text(str(data[n])) for n in names if data.get(n)), "")

    return MatchRecord(
        id=identifier,
        title=text("title"),
        authors=_names(data.get("authors") or data.get("author") or ""),
        year=text("year")[:4],
        container=text("journal", "booktitle", "container_title"),
        volume=text("volume"),
        number=text("number"),
        pages=text("pages"),
        doi=normalise_doi(text("doi")) if text("doi") else "",
        entry_type=str(data.get("ENTRYTYPE", "article")),
    )


def _pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for group in groups for p in combinations(sorted(group), 2)}


def _prf(found: set, true: set) -> tuple[float, float, float]:
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ours(records: list[MatchRecord]) -> tuple[set, set, float]:
    started = time.perf_counter()
    result = find_duplicates(records)
    seconds = time.perf_counter() - started
    merged = _pairs([[records[i].id for i in cluster] for cluster in result.clusters])
    review = {frozenset((records[a].id, records[b].id)) for a, b, _ in result.review}
    return merged, review, seconds


def _bibdedupe(records: list[MatchRecord], raw: list[dict] | None = None) -> tuple[set, float] | None:
    try:
        import pandas as pd
        from bib_dedupe.bib_dedupe import block, cluster, match, prep
    except ImportError:
        return None
    rows = [
        {
            "ID": r.id,
            "ENTRYTYPE": r.entry_type,
            "title": r.title,
            "year": r.year,
            "journal": r.container,
            "volume": r.volume,
            "number": r.number,
            "pages": r.pages,
            "doi": r.doi,
            "abstract": "",
            "author": " and ".join(f"{n.family}, {n.given}" if not n.literal else n.literal for n in r.authors),
        }
        for r in records
    ]
    for row, fields in zip(rows, raw or [], strict=False):  # the peer reads the text as written
        row["title"], row["author"] = fields["title"], " and ".join(fields["authors"])
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        prepared = prep(pd.DataFrame(rows), verbosity_level=0, cpu=2)
        matched = match(block(prepared, verbosity_level=0, cpu=2), verbosity_level=0, cpu=2)
        groups = cluster(matched, verbosity_level=0)
    return _pairs([sorted(map(str, g)) for g in groups]), time.perf_counter() - started


def _line(label: str, found: set, true: set, extra: str = "") -> None:
    precision, recall, f1 = _prf(found, true)
    print(f"  {label:<34} P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}  ({len(found)} pairs){extra}")


def scopus_wos() -> None:
    path = DEDUP / "scopus-wos" / "records.jsonl"
    if not path.exists():
        print(f"scopus-wos: skipped ({path} is absent)")
        return
    data = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    records = [_record(d, d["id"]) for d in data]
    clusters: dict[str, list[str]] = defaultdict(list)
    for d in data:
        clusters[d["cluster"]].append(d["id"])
    true = _pairs(list(clusters.values()))
    merged, review, seconds = _ours(records)
    print(f"scopus-wos: {len(records)} records, {len(true)} true pairs")
    _line("tracker, automatic merges", merged, true, f"  {seconds:.2f} s")
    answered = merged | (review & true)
    _line(
        "tracker, review answered",
        answered,
        true,
        f"  queue {len(review)} ({1000 * len(review) / len(records):.1f} per 1,000 records)",
    )
    peer = _bibdedupe(records)
    if peer is None:
        print("  bib-dedupe: not installed (pip install bib-dedupe to compare)")
    else:
        _line("bib-dedupe 0.11", peer[0], true, f"  {peer[1]:.2f} s")


def bibdedupe_pairs() -> None:
    path = DEDUP / "bib-dedupe-pairs" / "pairs.jsonl"
    if not path.exists():
        print(f"bib-dedupe-pairs: skipped ({path} is absent)")
        return
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    true, merged, review, peer_found = set(), set(), set(), set()
    peer_available = True
    for case in cases:
        pair = [_record(case["record_a"], "a"), _record(case["record_b"], "b")]
        key = frozenset((case["id"] + ":a", case["id"] + ":b"))
        if case["expected_duplicate"]:
            true.add(key)
        result = find_duplicates(pair)
        if result.clusters:
            merged.add(key)
        elif result.review:
            review.add(key)
        peer = _bibdedupe(pair) if peer_available else None
        if peer is None:
            peer_available = False
        elif peer[0]:
            peer_found.add(key)
    print(f"bib-dedupe-pairs: {len(cases)} pairs judged one by one, {len(true)} duplicates")
    _line("tracker, automatic merges", merged, true)
    _line("tracker, review answered", merged | (review & true), true, f"  queue {len(review)}")
    wrong = [
        c["id"] for c in cases if (frozenset((c["id"] + ":a", c["id"] + ":b")) in merged) != c["expected_duplicate"]
    ]
    if wrong:
        print(f"  tracker wrong on: {', '.join(wrong)}")
    if peer_available:
        _line("bib-dedupe 0.11", peer_found, true)
    else:
        print("  bib-dedupe: not installed")


def generated(works: int = 1500) -> None:
    """The project's own set: works, TeX-style perturbed copies, hard negatives."""
    from tracker.synthetic import dedupe_set

    data = dedupe_set(works, seed=11, tex=True)
    records = [
        _record(
            {**fields, "journal": fields["container"], "ENTRYTYPE": fields.get("entry_type", "article")}, str(index)
        )
        for index, (fields, _) in enumerate(data)
    ]
    groups: dict[str, list[str]] = defaultdict(list)
    for index, (_, work) in enumerate(data):
        groups[work].append(str(index))
    true = _pairs(list(groups.values()))
    merged, review, seconds = _ours(records)
    print(f"generated (TeX-style copies, hard negatives): {len(records)} records, {len(true)} true pairs")
    _line("tracker, automatic merges", merged, true, f"  {seconds:.2f} s")
    _line("tracker, review answered", merged | (review & true), true, f"  queue {len(review)}")
    peer = _bibdedupe(records, raw=[fields for fields, _ in data])
    if peer is not None:
        _line("bib-dedupe 0.11", peer[0], true, f"  {peer[1]:.2f} s")


if __name__ == "__main__":
    scopus_wos()
    bibdedupe_pairs()
    generated()
