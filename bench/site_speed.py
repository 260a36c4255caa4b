"""Site speed: generated libraries of 1k and 10k tagged studies with the real score layout.

    python bench/site_speed.py [--sizes 1000 10000]

For each size (its own process): import generated studies (`tracker.synthetic`), tag them,
import a score table, then time `build` — pages, files, output size, and the Pagefind
index time apart — and, when Chromium and Playwright are installed, the search latency in
the browser from the last keystroke to the first result, per query with its number of
results (Pagefind's time grows with the number of pages a query matches). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

from child import run_child

CHROMIUM = Path("/usr/bin/chromium")
#: Timed inside the page, from the input event of the keystroke to the frame that shows the
#: first result (or "No results"): Playwright's own waiting polls at 100-500 ms steps, which
#: is coarser than what is measured.
TIME_ONE_QUERY = """(query) => new Promise((resolve) => {
  const root = document.getElementById("search");
  const input = root.querySelector("input");
  let started;
  const shown = () => {
    const message = root.querySelector(".pagefind-ui__message");
    const answered = root.querySelector(".pagefind-ui__result-link") || /No results/.test(message?.textContent || "");
    return answered ? message : null;
  };
  const observer = new MutationObserver(() => {
    const message = shown();
    if (started === undefined || !message) { return; }
    observer.disconnect();
    requestAnimationFrame(() => resolve([performance.now() - started, message.textContent]));
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  input.addEventListener("input", () => { started = performance.now(); }, { once: true, capture: true });
  input.value = query;
  input.dispatchEvent(new Event("input", { bubbles: true }));
})"""
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


def _search_latency(site: Path) -> list[tuple[str, int, float]] | None:
    """(query, results, seconds) per query, from the keystroke to the first result shown."""
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
            for query in ["warm-up", *QUERIES]:  # the first query also loads the index's entry chunks
                page.fill(".pagefind-ui__search-input", "")
                page.wait_for_function("!document.querySelector('.pagefind-ui__result-link')")
                milliseconds, message = page.evaluate(TIME_ONE_QUERY, query)
                found = re.match(r"\s*(\d+)", message.replace(",", ""))
                timings.append((query, int(found.group(1)) if found else 0, milliseconds / 1000))
            browser.close()
    finally:
        server.shutdown()
    return timings[1:]


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
        print(
            f"{size:>6} studies: build {f['seconds']:5.1f} s ({f['pages']} pages, {f['files']} files, "
            f"{f['megabytes']:.1f} MB; Pagefind index {f['index_seconds']:.1f} s, partly alongside); "
            f"unchanged rebuild {f['rebuild']:.1f} s",
            flush=True,
        )
        if not f["latency"]:
            print("        search latency: not measured (no Chromium or Playwright)")
            continue
        timings = sorted(f["latency"], key=lambda row: row[1])
        print(f"        search latency, median {statistics.median(t for _, _, t in timings) * 1000:.0f} ms; by query:")
        for query, found, seconds in timings:
            print(f"          {query:<16} {found:>6} results ({found / size:4.0%} of studies) {seconds * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
