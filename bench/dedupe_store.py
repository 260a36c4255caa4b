"""Deduplication through the library: `dedupe` on a store, first run and incremental.

    python bench/dedupe_store.py [--sizes 10000 100000] [--db URL]

For each size, a generated set of records with perturbed copies and hard negatives
(`tracker.synthetic.dedupe_set`) is written as BibTeX and imported into an empty library;
then `Library.dedupe()` runs on it — records read from the store, matched, merges applied
and logged, the review queue kept, `bib/` rewritten — and, after importing 1% more
records, once more, incrementally. Prints time, candidate pairs and peak memory of each
run (each size in its own process); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from child import run_child


def _child(size: int, db_url: str | None) -> None:
    from tracker.library import Library
    from tracker.synthetic import dedupe_set, dedupe_set_bibtex

    works = 0
    data: list = []
    while len(data) < size * 1.01:
        works += max(1, int(size * 1.01 - len(data)) // 2)
        data = dedupe_set(works, seed=5)
    first, later = data[:size], data[size : int(size * 1.01)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "first.bib").write_text(dedupe_set_bibtex(first))
        (root / "later.bib").write_text(dedupe_set_bibtex(later, first_index=len(first)))
        library = Library(root / "library", db_url)
        library.import_files([root / "first.bib"])
        started = time.perf_counter()
        report = library.dedupe()
        first_seconds = time.perf_counter() - started
        library.import_files([root / "later.bib"])
        started = time.perf_counter()
        again = library.dedupe()
        later_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "first": first_seconds,
                "first_pairs": report.candidate_pairs,
                "merges": len(report.merges),
                "queue": report.queue,
                "studies": report.studies_after,
                "later": later_seconds,
                "later_compared": again.compared,
                "later_pairs": again.candidate_pairs,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--db", help="a PostgreSQL URL for the store (default: SQLite)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.db)
        return
    for size in args.sizes:
        f = run_child(__file__, str(size), *(["--db", args.db] if args.db else []))
        if isinstance(f, str):
            print(f"{size}: failed\n{f}")
            continue
        print(
            f"{size:>7} records: dedupe {f['first']:6.2f} s ({f['first_pairs']} candidate pairs, "
            f"{f['merges']} merges, {f['queue']} queued, {f['studies']} studies); "
            f"after importing {f['later_compared']} more: {f['later']:5.2f} s ({f['later_pairs']} candidate pairs); "
            f"peak {f['peak_mib']:.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
