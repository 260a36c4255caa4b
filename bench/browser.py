"""Debian's Chromium on a built site, served on localhost: how the benchmarks that time the
search page open it (the tests have their own fixtures in tests/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: Off the network and the GPU, as in the browser tests.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chromium_on(site: Path) -> Iterator[tuple[Any, str] | None]:
    """(Playwright's browser, the site's base URL) while `site` is served, or None without
    Chromium or Playwright (the benchmark then says it did not time the browser)."""
    if not CHROMIUM.exists():
        yield None
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield None
        return
    from tracker.publish.serve import preview_server

    server = preview_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            try:
                yield browser, f"http://127.0.0.1:{server.server_address[1]}"
            finally:
                browser.close()
    finally:
        server.shutdown()
