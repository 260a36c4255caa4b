"""Deduplication accuracy on real exports: the tracker beside BibDedupe, in one table.

    python bench/dedupe_accuracy.py [--sets stroke cytology ...] [--no-peer]

Sets: every labelled set of ../shared/data/dedup (scopus-wos and the four benchmark sets
of literature searches, read by the tracker's BibTeX reader; see bench/dedupe_sets.py),
each skipped with a message when absent, and the project's own generated set (TeX-style
copies and hard negatives). For each: pairwise precision, recall and F1 of the automatic
merges; the same with the review queue answered correctly (and its size per 1,000
records); record-level sensitivity and works lost, as the dedupe literature reports them
(keep one record per group found); time. BibDedupe (pip install bib-dedupe; an optional
peer, not a dependency) runs on the same records as exported. One real set is held out
of the rules' development (see HELD_OUT), so its row measures them on data they were not
written from. The hand-labelled pairs of bib-dedupe-pairs are judged one by one at the end.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedupe_sets import DEDUP, REAL_SETS, LabelledSet, available, from_fields, load, pairs_of

from tracker.dedupe import MatchRecord, find_duplicates

#: Which set the rules were not developed on, so its row is a measure on unseen data.
HELD_OUT = (
    "held out: stroke. The rules of 2026-12-06 and 2026-12-07 were written from the errors on haematology,\n"
    "cytology, digital-work and scopus-wos (and the project's own round trips); stroke's errors were not\n"
    "read (only counted by kind once, before)."
)


def _prf(found: set, true: set) -> tuple[float, float, float]:
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _closure(ids: list[str], pairs: set[frozenset[str]]) -> list[list[str]]:
    """Groups joined by `pairs` (a curator merging the pairs they answered "same")."""
    parent = {i: i for i in ids}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pair in pairs:
        a, b = sorted(pair)
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    return [g for g in groups.values() if len(g) > 1]


def record_level(labelled: LabelledSet, found_groups: list[list[str]]) -> tuple[float, float, int]:
    """(sensitivity, specificity, works lost) after keeping one record per group found.

    Sensitivity is true duplicates removed over removable duplicates (records minus works);
    a record removed whose work keeps no record is a work lost; specificity is the unique
    works' records kept over all works."""
    work_of = dict(zip((r.id for r in labelled.records), labelled.works, strict=True))
    removed = {i for group in found_groups for i in sorted(group)[1:]}
    kept_per_work: dict[str, int] = defaultdict(int)
    size: dict[str, int] = defaultdict(int)
    for record in labelled.records:
        size[work_of[record.id]] += 1
        if record.id not in removed:
            kept_per_work[work_of[record.id]] += 1
    removable = sum(n - 1 for n in size.values())
    removed_right = sum(n - kept_per_work[w] for w, n in size.items() if kept_per_work[w] >= 1)
    lost = sum(1 for w in size if kept_per_work[w] == 0)
    specificity = (len(size) - lost) / len(size)
    return (removed_right / removable if removable else 1.0), specificity, lost


class Table:
    """Rows of figures printed as one aligned table."""

    HEADER = (
        f"{'set':<14} {'method':<26} {'P':>6} {'R':>6} {'F1':>6} {'sens':>6} {'spec':>6} "
        f"{'lost':>4} {'queue/1k':>8} {'time s':>7}"
    )

    def __init__(self) -> None:
        print(self.HEADER)
        print("-" * len(self.HEADER))

    def row(
        self, labelled: LabelledSet, method: str, groups: list[list[str]], seconds: float, queue: float | None = None
    ) -> None:
        precision, recall, f1 = _prf(pairs_of(groups), labelled.true_pairs())
        sensitivity, specificity, lost = record_level(labelled, groups)
        queued = f"{queue:8.1f}" if queue is not None else f"{'':8}"
        print(
            f"{labelled.name:<14} {method:<26} {precision:6.4f} {recall:6.4f} {f1:6.4f} {sensitivity:6.4f} "
            f"{specificity:6.4f} {lost:4d} {queued} {seconds:7.2f}",
            flush=True,
        )


def tracker_rows(table: Table, labelled: LabelledSet, method: str = "tracker", **options: object) -> None:
    records = labelled.records
    started = time.perf_counter()
    result = find_duplicates(records, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    automatic = [[records[i].id for i in cluster] for cluster in result.clusters]
    table.row(labelled, f"{method}, automatic", automatic, seconds)
    true = labelled.true_pairs()
    review = {frozenset((records[a].id, records[b].id)) for a, b, _ in result.review}
    answered = _closure([r.id for r in records], pairs_of(automatic) | (review & true))
    table.row(labelled, f"{method}, review answered", answered, seconds, 1000 * len(review) / len(records))


def bibdedupe_groups(rows: list[dict]) -> tuple[list[list[str]], float] | None:
    """BibDedupe's groups on the rows as exported, or None when it is not installed."""
    try:
        import pandas as pd
        from bib_dedupe.bib_dedupe import block, cluster, match, prep
    except ImportError:
        return None
    frame = pd.DataFrame(rows).fillna("")
    for column in ("ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract"):
        if column not in frame:
            frame[column] = "article" if column == "ENTRYTYPE" else ""
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        prepared = prep(frame, verbosity_level=0, cpu=2)
        matched = match(block(prepared, verbosity_level=0, cpu=2), verbosity_level=0, cpu=2)
        groups = cluster(matched, verbosity_level=0)
    return [sorted(map(str, g)) for g in groups if len(g) > 1], time.perf_counter() - started


def peer_row(table: Table, labelled: LabelledSet) -> None:
    peer = bibdedupe_groups(labelled.peer_rows)
    if peer is None:
        print(f"{labelled.name:<14} bib-dedupe: not installed (pip install bib-dedupe to compare)")
    else:
        table.row(labelled, "bib-dedupe", peer[0], peer[1])


def generated_set(works: int = 1500) -> LabelledSet:
    """The project's own set: works, TeX-style perturbed copies, hard negatives."""
    from tracker.synthetic import dedupe_set

    data = dedupe_set(works, seed=11, tex=True)
    records: list[MatchRecord] = []
    rows = []
    for index, (fields, _) in enumerate(data):
        record = from_fields(
            {**fields, "journal": fields["container"], "ENTRYTYPE": fields.get("entry_type", "article")}, str(index)
        )
        records.append(record)
        rows.append(
            {
                "ID": str(index),
                "ENTRYTYPE": record.entry_type,
                "title": fields["title"],
                "author": " and ".join(fields["authors"]),
                "year": record.year,
                "journal": record.container,
                "volume": record.volume,
                "pages": record.pages,
                "doi": record.doi,
            }
        )
    return LabelledSet("generated", records, [work for _, work in data], rows)


def hand_pairs(score: Callable[[list[MatchRecord]], bool]) -> None:
    path = DEDUP / "bib-dedupe-pairs" / "pairs.jsonl"
    if not path.exists():
        print(f"bib-dedupe-pairs: skipped ({path} is absent)")
        return
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    wrong = [
        c["id"]
        for c in cases
        if score([from_fields(c["record_a"], "a"), from_fields(c["record_b"], "b")]) != c["expected_duplicate"]
    ]
    right = len(cases) - len(wrong)
    print(f"bib-dedupe-pairs: {len(cases)} hand-labelled pairs judged one by one: {right} right", end="")
    print(f"; wrong on {', '.join(wrong)}" if wrong else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=[*REAL_SETS, "generated"])
    parser.add_argument("--no-peer", action="store_true", help="leave BibDedupe out")
    options = parser.parse_args()
    table = Table()
    real: dict[str, LabelledSet] = {}
    for name in options.sets:
        if name == "generated":
            labelled = generated_set()
        elif not available(name):
            print(f"{name}: skipped ({DEDUP / name} is absent)")
            continue
        else:
            labelled = real[name] = load(name)
        tracker_rows(table, labelled)
        if not options.no_peer:
            peer_row(table, labelled)
    if "stroke" in real:
        print(f"\n{HELD_OUT}")
    hand_pairs(lambda pair: bool(find_duplicates(pair).clusters))


if __name__ == "__main__":
    main()
