"""Full-text search with facet filters, from any static host: Pagefind indexes the built
study pages (`data-pagefind-body`, with `data-pagefind-filter` for area, country, outcome,
use and year) into `site/pagefind/`, which the search page loads — no server, no CDN.

Pagefind comes from PyPI (`pagefind[bin]` carries its binary); without it the site is
built all the same and the search page says search is not available.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

INDEX_FOLDER = "pagefind"


def pagefind_available() -> bool:
    return importlib.util.find_spec("pagefind") is not None


#: The pages Pagefind reads: the study pages alone carry `data-pagefind-body`, and naming
#: them lets the index be built while the rest of the site is still being written.
INDEXED_PAGES = "studies/*/index.html"


class Indexing:
    """Pagefind running over the built study pages in a process of its own (it uses the
    other core while the build writes the remaining pages); `finish` waits for it."""

    def __init__(self, site: Path) -> None:
        self.started = time.perf_counter()
        self.process: subprocess.Popen[str] | None = None
        if pagefind_available():
            command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", INDEXED_PAGES]
            self.process = subprocess.Popen(
                [*command, "--silent", "--keep-index-url"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def finish(self) -> tuple[bool, float, str]:
        """(indexed, seconds, message)."""
        if self.process is None:
            return False, 0.0, "search index skipped: pagefind is not installed (pip install 'pagefind[bin]')"
        try:
            output, _ = self.process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        seconds = time.perf_counter() - self.started
        if self.process.returncode != 0:
            return False, seconds, f"search index failed: {output.strip()[-300:]}"
        return True, seconds, f"search index built in {seconds:.1f} s"
