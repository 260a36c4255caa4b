"""Screening through the library on generated studies: how long a curator waits.

    python bench/screening_speed.py [--sizes 10000 100000]

For each size, generated studies (`tracker.synthetic.bibtex_library`: most name MIPEX, as
studies that use it do, the rest wait) are imported into an empty library; then timed, best
of 3: `status` (which counts studies by screening status), the screening queue (features
of every study, the model trained on the decisions, every undecided study scored and
explained) before and after 20 curator answers, one answer saved, and one answer learnt
in an interactive session (the model retrained, the queue reordered, nothing read again). Each size runs in a
process of its own (peak memory is its own). Asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from child import run_child


def _best(action, runs: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def _child(size: int) -> None:
    import json

    from tracker.library import Library
    from tracker.synthetic import bibtex_library

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "studies.bib").write_text(bibtex_library(size))
        library = Library(root / "library")
        library.import_files([root / "studies.bib"])
        status_seconds, status = _best(library.status)
        cold_seconds, queue = _best(library.screening_queue)
        for number, item in enumerate(queue.items[:20]):
            library.screen(item.view.key, "include" if number % 2 else "exclude", "m")
        answer_seconds, _ = _best(lambda: library.screen(queue.items[20].view.key, "include"))
        warm_seconds, warm = _best(library.screening_queue)
        learn_seconds, _ = _best(lambda: warm.learn(warm.items[0].view.key, False))  # type: ignore[attr-defined]
        print(
            json.dumps(
                {
                    "status": status_seconds,
                    "counts": status.screening,  # type: ignore[attr-defined]
                    "cold": cold_seconds,
                    "waiting": len(queue.items),  # type: ignore[attr-defined]
                    "answer": answer_seconds,
                    "warm": warm_seconds,
                    "learn": learn_seconds,
                    "learning": warm.learning,  # type: ignore[attr-defined]
                    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    for size in args.sizes:
        f = run_child(__file__, str(size))
        if isinstance(f, str):
            print(f"{size}: failed\n{f}")
            continue
        print(
            f"{size:>7} studies ({f['counts']}): status {f['status']:.2f} s; queue of {f['waiting']} "
            f"{f['cold']:.2f} s (rules), {f['warm']:.2f} s ({f['learning']}); one answer saved {f['answer']:.2f} s, "
            f"learnt and the queue reordered {f['learn']:.2f} s; "
            f"peak {f['peak_mib']:.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
