"""Store and `bib/` changed as one unit: a small two-phase commit with a journal.

A writing command changes two things, the store (a database transaction) and the text
image `bib/` (files). A crash or Ctrl-C between the two must not leave one ahead of the
other, and no half-written or temporary file may ever sit in `bib/` for git to pick up.
So every change goes through three steps:

1. *stage*: each new file of `bib/` is written in full under `.tracker/staging/<id>/`
   (beside the store, gitignored), then a journal naming the targets is written there;
2. *commit*: the store's transaction commits with a marker row for this change id;
3. *apply*: the staged files are renamed into `bib/` (one rename each), the marker row
   is deleted, and the staging folder removed.

Whoever opens the library next finishes an interrupted change (`recover`): a journal whose
marker row is in the store was committed, so its renames are completed (roll forward);
one without it never committed, so its staged files are dropped (roll back). Either way
store and `bib/` agree again, with nothing left behind.
"""

from __future__ import annotations

import errno
import filecmp
import json
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.store.files import current_umask, write_atomically

JOURNAL = "journal.json"
#: The store's marker row for a committed change is named with this prefix and the id.
MARKER_PREFIX = "image-change:"


class ImageChange:
    """The new and removed files of `bib/` for one change, staged until the store commits."""

    def __init__(self, root: Path, staging: Path) -> None:
        self.root = root
        self.id = uuid.uuid4().hex
        self.folder = staging / self.id
        self._writes: dict[Path, Path] = {}  # target -> staged copy
        self._removals: set[Path] = set()

    @property
    def marker(self) -> str:
        return MARKER_PREFIX + self.id

    def write(self, target: Path, data: bytes | Iterable[bytes]) -> None:
        """Stage `target`'s new content; a file that would not change is left alone."""
        staged = self.folder / "files" / str(len(self._writes))
        staged.parent.mkdir(parents=True, exist_ok=True)
        with staged.open("wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        self._removals.discard(target)
        if target.exists() and filecmp.cmp(staged, target, shallow=False):
            staged.unlink()
            self._writes.pop(target, None)
            return
        self._writes[target] = staged

    def remove(self, target: Path) -> None:
        """Stage the removal of a file of `bib/` (a draft digest dropped, say)."""
        self._writes.pop(target, None)
        if target.exists():
            self._removals.add(target)

    def will_exist(self, target: Path) -> bool:
        """True when `target` exists now or is staged, and is not staged for removal."""
        return target in self._writes or (target.exists() and target not in self._removals)

    @property
    def changes_anything(self) -> bool:
        return bool(self._writes or self._removals)

    def seal(self) -> None:
        """Write the journal: from here a committed marker means "finish these renames"."""
        plan = {
            "id": self.id,
            "write": [
                [str(target.relative_to(self.root)), str(staged.relative_to(self.folder))]
                for target, staged in self._writes.items()
            ],
            "remove": sorted(str(t.relative_to(self.root)) for t in self._removals),
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.folder / JOURNAL, json.dumps(plan, indent=1).encode())

    def apply(self) -> None:
        """Rename the staged files into place and make the removals (idempotent)."""
        _apply_plan(self.root, self.folder, json.loads((self.folder / JOURNAL).read_text()))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _move(staged: Path, target: Path) -> None:
    """One rename; across file systems (bib/ on another disk), a copy renamed in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        staged.replace(target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        write_atomically(target, staged.read_bytes())
        staged.unlink()
    if target.stat().st_mode & 0o777 != 0o666 & ~current_umask():
        target.chmod(0o666 & ~current_umask())  # bib/ is for sharing


def _apply_plan(root: Path, folder: Path, plan: dict) -> None:
    for target, staged in plan["write"]:
        if (folder / staged).exists():
            _move(folder / staged, root / target)
    for target in plan["remove"]:
        (root / target).unlink(missing_ok=True)


def pending_changes(staging: Path) -> list[Path]:
    """The staging folders a command left behind (there is normally none)."""
    return sorted(p for p in staging.iterdir() if p.is_dir()) if staging.exists() else []


def recover(root: Path, staging: Path, committed: Callable[[str], bool], finish: Callable[[str], None]) -> list[str]:
    """Finish or drop every change an interrupted command left: `committed(marker)` says
    whether the store holds the change's marker; `finish(marker)` is called after a
    committed change's renames (it deletes the marker). Returns what was done, in words."""
    done = []
    for folder in pending_changes(staging):
        journal = folder / JOURNAL
        marker = MARKER_PREFIX + folder.name
        if journal.exists() and committed(marker):
            _apply_plan(root, folder, json.loads(journal.read_text()))
            finish(marker)
            done.append("finished writing bib/ for a change an interrupted command had committed")
        else:
            done.append("dropped the staged files of a change an interrupted command had not committed")
        shutil.rmtree(folder, ignore_errors=True)
    return done


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C during the block takes effect when it ends: the commit and the renames that
    follow it are seconds at most, and finishing them is what the user wants."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt
