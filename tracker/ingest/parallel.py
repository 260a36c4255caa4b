"""Reading a large file in a second process while the first one stores what was read.

Parsing and storing take about the same time, and the machines this runs on have two
cores or more: a worker process parses and normalises entries and hands them over in
batches through a bounded queue, so both run at once and memory stays bounded. Small
files (the common monthly import) are read in-process: a worker would only cost time.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator

from tracker.entry import Entry
from tracker.ingest import ReadFile

#: Below this many entries a worker costs more than it saves.
PARALLEL_MIN_ENTRIES = 5000
#: Entries per hand-over, and hand-overs in flight (bounds the memory between the two).
BATCH = 500
IN_FLIGHT = 8
_POLL_SECONDS = 1.0


def _worker(read: ReadFile, handover: multiprocessing.Queue, parent: int) -> None:
    """Parse in the child; stop if the parent is gone (killed: nobody would read)."""

    def put(item: object) -> bool:
        while True:
            if os.getppid() != parent:
                # nobody will read what is queued: do not wait for it to be sent at exit
                handover.cancel_join_thread()
                return False
            try:
                handover.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue

    try:
        batch: list[Entry] = []
        for entry in read.stream():
            batch.append(entry)
            if len(batch) >= BATCH:
                if not put(batch):
                    return
                batch = []
        put(batch)
        put(None)
    except BaseException:  # everything reaches the parent, which raises it there
        put(("error", traceback.format_exc()))


def _fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")  # the child shares the bytes: nothing to copy
    except ValueError:
        return None


class EntryStream:
    """The entries of one read file, in order; read by a worker process when that pays off.

    Create it before taking the library's write lock: a forked worker inherits open files,
    and must not inherit the lock.
    """

    def __init__(self, read: ReadFile) -> None:
        self.read = read
        self.worker: multiprocessing.process.BaseProcess | None = None
        context = _fork_context()
        if read.expected < PARALLEL_MIN_ENTRIES or (os.cpu_count() or 1) < 2 or context is None:
            return
        self.handover = context.Queue(maxsize=IN_FLIGHT)
        self.worker = context.Process(target=_worker, args=(read, self.handover, os.getpid()), daemon=True)
        self.worker.start()

    def __iter__(self) -> Iterator[Entry]:
        if self.worker is None:
            yield from self.read.stream()
            return
        try:
            yield from self._handed_over()
        finally:
            self.close()

    def _handed_over(self) -> Iterator[Entry]:
        assert self.worker is not None
        while True:
            try:
                item = self.handover.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not self.worker.is_alive():
                    raise RuntimeError(f"the reader process for {self.read.path} stopped unexpectedly") from None
                continue
            if item is None:
                return
            if isinstance(item, tuple):
                raise RuntimeError(f"reading {self.read.path} failed in the reader process:\n{item[1]}")
            yield from item

    def close(self) -> None:
        """Stop the worker (if any); safe to call twice."""
        if self.worker is None:
            return
        if self.worker.is_alive():
            self.worker.terminate()
        self.worker.join(timeout=5)
        self.handover.close()
        self.handover.cancel_join_thread()
        self.worker = None
