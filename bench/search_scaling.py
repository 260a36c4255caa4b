"""How Pagefind's search time grows with the pages a query matches, in one index.

    python bench/search_scaling.py [--sizes 1250 2500 5000 10000]

Why this exists: the site cuts its search index into parts of `PAGES_PER_PART` studies
(tracker/publish/search.py) because, in Pagefind 1.5, searching one index takes time that grows
with the square of the pages a query matches (upstream issue #49; PR #1334 would make it
linear). Parts keep each index's matches small, but a word's first search fetches one chunk
per part, so fewer parts would make first searches faster — once Pagefind's scoring is linear.
This bench tells which is the case for the installed Pagefind: for each size (a generated
library, `site_speed._library`, built into a single part) it times, in Chromium through the
search page's own engine, a word in most studies ("MIPEX") and one in few ("attitudes"),
searched again (index chunks loaded), the median of several searches, and what each match
costs: flat across sizes if the time grows with the matches, rising if faster. When a
Pagefind release keeps it flat, set `PAGES_PER_PART` so that 10,000 studies make 2-4 parts
and re-run bench/site_speed.py.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from importlib import metadata
from pathlib import Path

from browser import chromium_on
from child import run_child

QUERIES = ["MIPEX", "attitudes"]
#: Searches per query after the first (which loads its chunk); the median is shown.
REPEATS = 7
#: Times each query in the page through the engine the search page uses; answers
#: {query: [results, [ms...]]}.
TIME_QUERIES = """async ({ engine, queries, repeats }) => {
  const pagefind = await import(engine);
  await pagefind.init();
  const timed = {};
  for (const query of queries) {
    const first = await pagefind.search(query);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      await pagefind.search(query);
      times.push(performance.now() - started);
    }
    timed[query] = [first.results.length, times];
  }
  return timed;
}"""


def _time_searches(site: Path) -> dict[str, list] | None:
    """{query: [results, median ms]} searched in Chromium; None without Chromium or Playwright."""
    with chromium_on(site) as opened:
        if opened is None:
            return None
        browser, base = opened
        page = browser.new_page()
        page.goto(f"{base}/search/index.html")
        # The engine the search page gives Pagefind's UI as its "pagefind.js".
        engine = page.evaluate(
            "() => new URL('pagefind.js', "
            "new URL(document.getElementById('search').dataset.engine, document.baseURI)).href"
        )
        timed = page.evaluate(TIME_QUERIES, {"engine": engine, "queries": QUERIES, "repeats": REPEATS})
    return {query: [found, statistics.median(times)] for query, (found, times) in timed.items()}


def _child(size: int) -> None:
    import site_speed

    from tracker.publish import search

    search.PAGES_PER_PART = size  # one part, whatever the size
    with tempfile.TemporaryDirectory() as folder:
        library = site_speed._library(Path(folder), size)
        library.build()
        site = library.paths.root / "site"
        parts = json.loads((site / search.INDEX_FOLDER / search.MANIFEST).read_text())["parts"]
        print(json.dumps({"parts": len(parts), "timed": _time_searches(site)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_250, 2_500, 5_000, 10_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print(f"Pagefind {metadata.version('pagefind')}: one index, each query searched again (median of {REPEATS})")
    per_match: dict[str, list[tuple[int, float]]] = {query: [] for query in QUERIES}
    for size in args.sizes:
        f = run_child(__file__, str(size))
        if isinstance(f, str):
            print(f"{size}: failed\n{f}")
            continue
        if not f["timed"]:
            print(f"{size:>6} studies: not timed (no Chromium or Playwright)")
            continue
        cells = []
        for query, (found, ms) in f["timed"].items():
            cells.append(f"{query} {found:>5} matches {ms:6.1f} ms ({1000 * ms / max(found, 1):4.0f} us a match)")
            per_match[query].append((found, ms / max(found, 1)))
        print(f"{size:>6} studies ({f['parts']} part): " + "; ".join(cells), flush=True)
    for query, rows in per_match.items():
        if len(rows) > 1 and rows[0][1] > 0:
            (few, cost_few), (many, cost_many) = rows[0], rows[-1]
            print(
                f"        {query}: at {many / few:.1f}x the matches, each match costs "
                f"{cost_many / cost_few:.1f}x as much "
                "(1.0x if the time grew with the matches alone)"
            )


if __name__ == "__main__":
    main()
