"""Tagging speed: generated studies (title and abstract, 150-250 words) tagged on all four facets.

    python bench/tagging_speed.py [--sizes 10000 100000] [--processes N]

`tag_many` tags on every core (2 here; `--processes 1` for one). Each size runs in its
own process; prints time, studies/s and peak memory (of the parent). The vocabularies
(about 5,000 phrases with the cities) are compiled once, before timing, and the time to
compile them is printed apart. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from child import run_child


def _child(size: int, processes: int | None) -> None:
    from tracker.synthetic import tagging_set
    from tracker.tagging import tag_many, tag_text

    studies = [(title, abstract, None) for title, abstract in tagging_set(size)]
    started = time.perf_counter()
    tag_text("warm up: compile the vocabularies", "")
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    tags = sum(len(tagging.proposals) for tagging in tag_many(studies, processes))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "compile": compiled, "tags": tags, "peak_mib": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--processes", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.processes)
        return
    for size in args.sizes:
        extra = ["--processes", str(args.processes)] if args.processes else []
        f = run_child(__file__, str(size), *extra)
        if isinstance(f, str):
            print(f"{size}: failed\n{f}")
            continue
        print(
            f"{size:>7} studies: {f['seconds']:6.2f} s ({size / f['seconds']:>6.0f} studies/s), "
            f"{f['tags']} tags proposed, vocabularies compiled in {f['compile']:.2f} s, peak {f['peak_mib']:.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
