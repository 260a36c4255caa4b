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


def index_site(site: Path) -> tuple[bool, float, str]:
    """(indexed, seconds, message): run Pagefind over the built site."""
    if not pagefind_available():
        return False, 0.0, "search index skipped: pagefind is not installed (pip install 'pagefind[bin]')"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--silent", "--keep-index-url"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return False, seconds, f"search index failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return True, seconds, f"search index built in {seconds:.1f} s"
