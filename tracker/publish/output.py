"""The files of one site build: written only when their bytes change, and what the build
did not write removed, so a rebuild touches only what changed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class BuildReport:
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    search: str = ""  # what became of the search index
    search_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # what the builder should know, in words
    base_url: str = ""  # the site's address the build knew ("": feeds link relative, no sitemap)


class Output:
    """Files of one build: written only when their bytes change; the rest of `site/` removed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.report = BuildReport()
        self.kept: set[Path] = set()
        self.changed: set[Path] = set()  # written by this build: what the search index must redo

    def write(self, relative: str, text: str) -> None:
        """Write one file of the site when its bytes changed. Site files are derived output
        (the next build repairs any), so they are written plainly, not synced one by one."""
        self.write_bytes(relative, text.encode())

    def write_bytes(self, relative: str, data: bytes) -> None:
        """`write` for a file that is not text (a zip)."""
        parts = Path(relative).parts
        if not parts or ".." in parts or Path(relative).is_absolute():
            raise ValueError(f"{relative!r} would be outside {self.root}")
        path = self.root / relative
        try:
            same = path.stat().st_size == len(data) and path.read_bytes() == data
        except FileNotFoundError:
            same = False
        if same:
            self.report.unchanged += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self.report.written += 1
            self.changed.add(path)
        self.kept.add(path)
        if relative.endswith(".html"):
            self.report.pages += 1

    def remove_the_rest(self, under: str = "", keep: tuple[str, ...] = ()) -> int:
        """Delete what this build did not write in `site/` (or in its folder `under`), but
        the top-level folders in `keep`, made by others; returns how many files went. Paths
        are compared as strings and a folder's emptiness is counted on the way, not listed
        again: at 10,000 studies this walk of 50,000 files took 1 s a pass."""
        top = os.fspath(self.root / under)
        root = os.fspath(self.root)
        kept = {os.fspath(path) for path in self.kept}
        walked: list[tuple[str, list[str], int]] = []  # (folder, its subfolders, files it keeps)
        removed = 0
        for folder, subfolders, files in os.walk(top):
            if folder == root:
                subfolders[:] = [name for name in subfolders if name not in keep]
            staying = 0
            for name in files:
                path = f"{folder}{os.sep}{name}"  # a string: building a Path each cost more than the walk
                if path in kept:
                    staying += 1
                else:
                    Path(path).unlink()
                    removed += 1
            walked.append((folder, list(subfolders), staying))
        gone: set[str] = set()
        for folder, subfolders, staying in reversed(walked):  # children before their parents
            emptied = staying == 0 and all(f"{folder}{os.sep}{name}" in gone for name in subfolders)
            if folder != top and emptied:
                Path(folder).rmdir()
                gone.add(folder)
        self.report.removed += removed
        return removed
