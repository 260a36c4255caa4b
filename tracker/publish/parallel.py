"""Rendering many pages on every core: the study pages are most of a build, and each is
independent of the others.

Workers are forked, so they share the build's state (templates, studies, scores) without
pickling it; each renders an interleaved share of the items and sends back only what the
parent must know (the files it kept and those it changed, and its counts). Where fork is not available,
or the job is small, the items are rendered here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tracker.publish.output import Output

#: Below this many items a pool costs more than it saves.
PARALLEL_FROM = 400
#: The job the forked workers inherit: items, work, output.
_JOB: dict[str, Any] = {}


def _run_share(share: range) -> tuple[set[Path], set[Path], int, int, int]:
    items, work, output = _JOB["items"], _JOB["work"], _JOB["output"]
    output.kept, output.changed = set(), set()
    output.report.pages = output.report.written = output.report.unchanged = 0
    for index in share:
        work(items[index])
    return output.kept, output.changed, output.report.pages, output.report.written, output.report.unchanged


def in_parallel(items: Sequence[Any], work: Callable[[Any], None], output: Output) -> None:
    """`work(item)` for every item, writing through `output`, on every core when it pays."""
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            work(item)
        return
    _JOB.update(items=items, work=work, output=output)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            shares = [range(start, len(items), workers) for start in range(workers)]
            for kept, changed, pages, written, unchanged in pool.map(_run_share, shares):
                output.kept |= kept
                output.changed |= changed
                output.report.pages += pages
                output.report.written += written
                output.report.unchanged += unchanged
    finally:
        _JOB.clear()
