"""Rendering many pages on every core: the study pages are most of a build, and each is
independent of the others.

Workers are forked, so they share the build's state (templates, studies, scores) without
pickling it; each renders an interleaved share of the items and sends back only what the
parent must know (the files it kept and those it changed, its counts, and what its items
gave, merged with `|=`: a set of words, or any harvest that merges that way). Where fork is
not available, or the job is small, the items are rendered here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tracker.publish.output import Output

#: What `work` gives per item, merged with `|=` (a set, or a class with `__ior__`).
Harvest = TypeVar("Harvest")

#: Below this many items a pool costs more than it saves.
PARALLEL_FROM = 400
#: Items a worker takes at a time: small enough for a progress bar to move, large enough
#: that handing them out costs nothing.
SHARE = 250
#: The job the forked workers inherit: items, work, output.
_JOB: dict[str, Any] = {}


def _run_items(items: Iterable[Any], work: Callable[[Any], Harvest], harvest: Harvest) -> Harvest:
    for item in items:
        harvest |= work(item)  # type: ignore[operator]
    return harvest


def _run_share(share: range) -> tuple[set[Path], set[Path], int, int, int, Any, int]:
    items, work, output, empty = _JOB["items"], _JOB["work"], _JOB["output"], _JOB["empty"]
    output.kept, output.changed = set(), set()
    output.report.pages = output.report.written = output.report.unchanged = 0
    harvest = _run_items((items[index] for index in share), work, empty())
    report = output.report
    return output.kept, output.changed, report.pages, report.written, report.unchanged, harvest, len(share)


def in_parallel(
    items: Sequence[Any],
    work: Callable[[Any], Harvest],
    output: Output,
    progress: Callable[[int, int], None] | None = None,
    empty: Callable[[], Harvest] = set,  # type: ignore[assignment]
) -> Harvest:
    """`work(item)` for every item, writing through `output`, on every core when it pays;
    returns what each `work` returned, merged with `|=` into `empty()`. `progress(done,
    total)` is told as shares of the items finish."""
    workers = min(os.cpu_count() or 1, 8)
    total = len(items)
    harvest = empty()
    if total < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, total, SHARE):
            harvest = _run_items(items[start : start + SHARE], work, harvest)
            if progress:
                progress(min(start + SHARE, total), total)
        return harvest
    _JOB.update(items=items, work=work, output=output, empty=empty)
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            shares = [range(start, min(start + SHARE, total)) for start in range(0, total, SHARE)]
            for kept, changed, pages, written, unchanged, gathered, count in pool.imap_unordered(_run_share, shares):
                output.kept |= kept
                output.changed |= changed
                output.report.pages += pages
                output.report.written += written
                output.report.unchanged += unchanged
                harvest |= gathered
                done += count
                if progress:
                    progress(min(done, total), total)
    finally:
        _JOB.clear()
    return harvest
