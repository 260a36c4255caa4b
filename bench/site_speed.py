"""Site speed: generated libraries of 1k and 10k tagged studies with the real score layout.

    python bench/site_speed.py [--sizes 1000 10000]

For each size (its own process): import generated studies (`tracker.synthetic`), tag them,
import a score table, then time `build` — pages, files, output size, and the Pagefind
index time apart — and, when Chromium and Playwright are installed, the search latency in
the browser from the last keystroke to the first result (median of 10 queries). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from child import run_child

CHROMIUM = Path("/usr/bin/chromium")
QUERIES = [
    "integration",
    "citizenship",
    "health",
    "employment",
    "family",
    "naturalisation",
    "policy",
    "refugee",
    "index",
    "attitudes",
]


def _library(root: Path, size: int):  # type: ignore[no-untyped-def]
    from tracker.library import Library
    from tracker.synthetic import bibtex_library

    (root / "studies.bib").write_text(bibtex_library(size))
    rows = ["country,area,year,score,edition,source"]
    for country in ("SE", "DE", "ES", "IT", "NL", "FR", "AT", "PT", "CA", "US"):
        for area in ("overall", "labour_market", "family_reunion", "health", "access_to_nationality"):
            rows += [f"{country},{area},{year},{40 + (year % 7) * 5},bench,generated" for year in range(2010, 2020)]
    (root / "scores.csv").write_text("\n".join(rows) + "\n")
    library = Library(root / "library")
    library.import_files([root / "studies.bib"])
    library.import_scores(root / "scores.csv")
    library.tag()
    return library


def _search_latency(site: Path) -> float | None:
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from tracker.publish.serve import preview_server

    server = preview_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search/index.html"
    timings = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_page()
            page.goto(url)
            for query in QUERIES:
                page.fill(".pagefind-ui__search-input", "")
                started = time.perf_counter()
                page.fill(".pagefind-ui__search-input", query)
                page.locator(".pagefind-ui__result-link").first.wait_for(timeout=20_000)
                timings.append(time.perf_counter() - started)
            browser.close()
    finally:
        server.shutdown()
    return statistics.median(timings[1:])  # the first query also loads the index's first chunks


def _child(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        library = _library(root, size)
        started = time.perf_counter()
        report = library.build()
        seconds = time.perf_counter() - started
        site = library.paths.root / "site"
        files = [p for p in site.rglob("*") if p.is_file()]
        again = time.perf_counter()
        library.build()
        rebuild = time.perf_counter() - again
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "pages": report.pages,
                    "files": len(files),
                    "megabytes": sum(p.stat().st_size for p in files) / 1e6,
                    "index_seconds": report.search_seconds,
                    "rebuild": rebuild,
                    "latency": _search_latency(site),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000])
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
        latency = f"{f['latency'] * 1000:.0f} ms" if f["latency"] is not None else "not measured (no Chromium)"
        print(
            f"{size:>6} studies: build {f['seconds']:5.1f} s ({f['pages']} pages, {f['files']} files, "
            f"{f['megabytes']:.1f} MB; Pagefind index {f['index_seconds']:.1f} s of it); "
            f"unchanged rebuild {f['rebuild']:.1f} s; search latency (median) {latency}",
            flush=True,
        )


if __name__ == "__main__":
    main()
