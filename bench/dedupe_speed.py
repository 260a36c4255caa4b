"""Deduplication speed: generated libraries of 10k, 30k and 100k records.

    python bench/dedupe_speed.py [--sizes 10000 30000 100000] [--peer-size 10000]

Prints time, records/s, candidate pairs (the work blocking leaves), peak memory and the
growth rate between sizes, plus pairwise precision/recall on the generated works (perturbed
copies and hard negatives). When bib-dedupe is installed, it runs on the `--peer-size`
input for the records/s ratio. Each run is its own process. Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import subprocess
import sys
import time
from itertools import combinations

from tracker.dedupe import MatchRecord, find_duplicates
from tracker.ingest.names import name_from_text
from tracker.synthetic import dedupe_set


def _records(size: int) -> tuple[list[MatchRecord], list[str]]:
    works = 0
    data: list[tuple[dict, str]] = []
    while len(data) < size:  # about 1.4 records per work
        works += max(1, (size - len(data)) // 2)
        data = dedupe_set(works)
    data = data[:size]
    records = [
        MatchRecord(
            id=str(i),
            title=d["title"],
            authors=[name_from_text(a) for a in d["authors"]],
            year=d["year"],
            container=d["container"],
            volume=d["volume"],
            pages=d["pages"],
            doi=d["doi"],
            entry_type=d.get("entry_type", "article"),
        )
        for i, (d, _) in enumerate(data)
    ]
    return records, [work for _, work in data]


def _pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}


def _child(kind: str, size: int) -> None:
    records, works = _records(size)
    started = time.perf_counter()
    if kind == "tracker":
        result = find_duplicates(records)
        seconds = time.perf_counter() - started
        found = _pairs([[str(i) for i in c] for c in result.clusters])
        pairs = result.candidate_pairs
    else:
        import pandas as pd
        from bib_dedupe.bib_dedupe import block, cluster, match, prep

        rows = [
            {
                "ID": r.id,
                "ENTRYTYPE": "article",
                "title": r.title,
                "year": r.year,
                "journal": r.container,
                "volume": r.volume,
                "number": "",
                "pages": r.pages,
                "doi": r.doi,
                "abstract": "",
                "author": " and ".join(f"{n.family}, {n.given}" for n in r.authors),
            }
            for r in records
        ]
        with contextlib.redirect_stdout(io.StringIO()):
            blocked = block(prep(pd.DataFrame(rows), verbosity_level=0, cpu=2), verbosity_level=0, cpu=2)
            groups = cluster(match(blocked, verbosity_level=0, cpu=2), verbosity_level=0)
        seconds = time.perf_counter() - started
        found = _pairs([sorted(map(str, g)) for g in groups])
        pairs = len(blocked)
    by_work: dict[str, list[str]] = {}
    for i, work in enumerate(works):
        by_work.setdefault(work, []).append(str(i))
    true = _pairs(list(by_work.values()))
    hits = len(found & true)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "pairs": pairs,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "precision": hits / len(found) if found else 1.0,
                "recall": hits / len(true) if true else 1.0,
            }
        )
    )


def _run(kind: str, size: int) -> dict | None:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(size)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 30_000, 100_000])
    parser.add_argument("--peer-size", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per size; the fastest is reported (a shared machine is noisy)"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    previous: tuple[int, float] | None = None
    for size in args.sizes:
        runs = [_run("tracker", size) for _ in range(args.repeat)]
        assert all(runs)
        figures = min(runs, key=lambda run: run["seconds"])  # type: ignore[index]
        growth = ""
        if previous:
            growth = f" | growth x{figures['seconds'] / previous[1]:.2f} for x{size / previous[0]:.1f} records"
        print(
            f"tracker {size:>7} records: {figures['seconds']:6.2f} s ({size / figures['seconds']:>8.0f} records/s), "
            f"{figures['pairs']:>8} candidate pairs ({figures['pairs'] / size:.2f} per record), "
            f"peak {figures['peak_mib']:5.0f} MiB, "
            f"P {figures['precision']:.3f} R {figures['recall']:.3f}{growth}",
            flush=True,
        )
        previous = (size, figures["seconds"])
    try:
        import bib_dedupe  # noqa: F401
    except ImportError:
        print("bib-dedupe: not installed (pip install bib-dedupe to compare)")
        return
    peer = _run("peer", args.peer_size)
    ours = _run("tracker", args.peer_size)
    if peer is None or ours is None:
        print("bib-dedupe: failed on the generated input")
        return
    print(
        f"bib-dedupe {args.peer_size:>4} records: {peer['seconds']:6.2f} s "
        f"({args.peer_size / peer['seconds']:>8.0f} records/s), "
        f"peak {peer['peak_mib']:5.0f} MiB, P {peer['precision']:.3f} R {peer['recall']:.3f} | tracker is "
        f"{peer['seconds'] / ours['seconds']:.0f}x faster on the same input"
    )


if __name__ == "__main__":
    main()
