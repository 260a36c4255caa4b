"""Site speed: generated libraries of 1k and 10k tagged studies with the real score layout.

    python bench/site_speed.py [--sizes 1000 10000] [--pages-per-part N] [--no-browser]

For each size (its own process): import generated studies (`tracker.synthetic`: their
abstracts use the words MIPEX studies share as often as real abstracts do), tag them, import
a score table, then time `build` — pages, files, output size, and the Pagefind
index time apart — and, when Chromium and Playwright are installed, the search latency in
the browser from the last keystroke to the results shown, per query with its number of
results (Pagefind's time grows with the pages a query matches and its uses in each): typed a
key every 150 ms, the query whole in one input event (pasted, or sent from the home page) as
the word's first search, and whole again, each the median of three rounds in fresh browser
contexts; the time from opening the search page with a query to its results; and, on the
home page, from the last keystroke to the first results under its box.
`--pages-per-part` builds the search index in parts of that many studies instead of the
site's own `PAGES_PER_PART`, to try other part counts (bench/search_scaling.py says when).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from browser import chromium_on
from child import run_child

#: Timed inside the page, from the input event of the last keystroke to the frame that shows
#: the results of the whole query (or "No results"); Playwright's own waiting polls at
#: 100-500 ms steps, coarser than what is measured. Leaves [ms, message] in window.latency.
WATCH_QUERY = """(query) => {
  window.latency = null;
  const root = document.getElementById("search");
  const input = root.querySelector("input");
  let started;
  const keystroke = () => { started = performance.now(); };
  input.addEventListener("input", keystroke, { capture: true });
  const observer = new MutationObserver(() => {
    const message = root.querySelector(".pagefind-ui__message")?.textContent || "";
    const answered = root.querySelector(".pagefind-ui__result-link") || /No results/.test(message);
    if (input.value !== query || !message.endsWith(" " + query) || !answered) { return; }
    observer.disconnect();
    input.removeEventListener("input", keystroke, { capture: true });
    requestAnimationFrame(() => { window.latency = [performance.now() - started, message]; });
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
}"""
#: On the home page: from the input event of the last keystroke to the frame that shows the
#: first results of the whole query under the box. Leaves [ms, message] in window.latency.
WATCH_HOME = """(query) => {
  window.latency = null;
  const box = document.getElementById("home-search");
  const said = document.querySelector("#home-results .quick-count");
  let started;
  box.addEventListener("input", () => { started = performance.now(); }, { capture: true });
  new MutationObserver((_, observer) => {
    if (box.value !== query || !said.textContent.includes("\u201c" + query + "\u201d")) { return; }
    observer.disconnect();
    requestAnimationFrame(() => { window.latency = [performance.now() - started, said.textContent]; });
  }).observe(document.getElementById("home-results"), { childList: true, subtree: true, characterData: true });
}"""
#: The whole query in one input event, as when pasted or sent from the home page's box.
AT_ONCE = """(query) => {
  const input = document.querySelector("#search input");
  input.value = query;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}"""
#: Installed before the search page's scripts: the time from navigation to the first frame
#: showing the results of the query in the address (?q=, as the home page's box sends it).
WATCH_OPENING = """new MutationObserver((_, observer) => {
  if (document.querySelector("#search .pagefind-ui__result-link")) {
    observer.disconnect();
    requestAnimationFrame(() => { window.opened = performance.now(); });
  }
}).observe(document, { childList: true, subtree: true });"""
#: Each query is timed in this many rounds of fresh browser contexts, and the median shown: a
#: single first search varies by a factor of two from run to run on this machine.
ROUNDS = 3
#: Typed: a key every 150 ms (a quick typist), each letter a search of its own.
KEY_DELAY_MS = 150
#: The words of `tracker.synthetic`'s abstracts that real MIPEX studies share, from "MIPEX"
#: (in 90% of abstracts) to "attitudes" (4%).
WARM_UP = "than"
#: Queries the search page is opened with, each in a fresh browser context (nothing cached).
OPENING_QUERIES = ["migrants", "attitudes", "health"]
QUERIES = [
    "MIPEX",
    "migrants",
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


def _search_latency(
    site: Path,
) -> tuple[list[tuple[str, int, float, float, float]], list[float], list[float], list[float]] | None:
    """(query, results, seconds whole, seconds typed, seconds whole again) per query, from the
    last keystroke to the results shown; the seconds from opening the search page with a
    query (nothing cached) to its results; and the seconds from pressing Enter in the home
    page's box, the query typed there, to the results (what a reader waits: the home page
    fetches the search page's files while the query is typed), and from the last keystroke to
    the first results shown under the home page's box, per `OPENING_QUERIES`; None without
    Chromium or Playwright.

    Whole and typed each run in a browser context of their own, so each query's first search
    in either loads the index chunks its word needs, as a reader's first search for a word
    does (typing loads them with the first letters); "again" is the whole query once more,
    with its chunks loaded. Each figure is the median of `ROUNDS` rounds."""
    with chromium_on(site) as opened:
        if opened is None:
            return None
        browser, base = opened
        url = f"{base}/search/index.html"

        def search_page():  # type: ignore[no-untyped-def]
            page = browser.new_context().new_page()
            page.goto(url)
            return page

        def timed(page, query: str, typed: bool) -> tuple[float, str]:  # type: ignore[no-untyped-def]
            page.fill(".pagefind-ui__search-input", "")
            page.locator(".pagefind-ui__result-link").first.wait_for(state="detached")
            page.evaluate(WATCH_QUERY, query)
            if typed:
                page.type(".pagefind-ui__search-input", query, delay=KEY_DELAY_MS)
            else:
                page.evaluate(AT_ONCE, query)
            while (answer := page.evaluate("() => window.latency")) is None:
                time.sleep(0.01)
            return answer[0] / 1000, answer[1]

        in_place = []
        for query in OPENING_QUERIES:  # type into the home page's box (nothing cached): results under it
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/index.html")
            page.evaluate(WATCH_HOME, query)
            page.type("#home-search", query, delay=KEY_DELAY_MS)
            while (answer := page.evaluate("() => window.latency")) is None:
                time.sleep(0.01)
            in_place.append(answer[0] / 1000)
            context.close()
        from_home = []
        for query in OPENING_QUERIES:  # as a reader does: type into the home page's box, press Enter
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(WATCH_OPENING)
            page.goto(f"{base}/index.html")
            page.type("#home-search", query, delay=KEY_DELAY_MS)
            page.wait_for_timeout(KEY_DELAY_MS)
            page.press("#home-search", "Enter")
            page.wait_for_url("**/search/**")
            while (shown := page.evaluate("() => window.opened ?? null")) is None:
                time.sleep(0.01)
            from_home.append(shown / 1000)
            context.close()
        opening = []
        for query in OPENING_QUERIES:
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(WATCH_OPENING)
            page.goto(f"{url}?q={query}")
            while (shown := page.evaluate("() => window.opened ?? null")) is None:
                time.sleep(0.01)
            opening.append(shown / 1000)
            context.close()
        found: dict[str, int] = {}
        times: dict[str, list[list[float]]] = {query: [[], [], []] for query in QUERIES}
        for _ in range(ROUNDS):
            whole_page, typed_page = search_page(), search_page()
            for page in (whole_page, typed_page):
                # Loads the parts' start files, and runs Pagefind's code on real results once,
                # so the first query timed is not also the first to run it (that added ~100 ms
                # to whichever query came first). A word of most abstracts, far in the
                # alphabet from the queries' words, so its index chunk is not theirs.
                timed(page, WARM_UP, typed=False)
            for query in QUERIES:
                whole, message = timed(whole_page, query, typed=False)
                times[query][0].append(whole)
                times[query][1].append(timed(typed_page, query, typed=True)[0])
                count = re.match(r"\s*(\d+)", message.replace(",", ""))
                found[query] = int(count.group(1)) if count else 0
            for query in QUERIES:
                times[query][2].append(timed(whole_page, query, typed=False)[0])
            for page in (whole_page, typed_page):
                page.context.close()
    rows = [(query, found[query], *(statistics.median(runs) for runs in times[query])) for query in QUERIES]
    return rows, opening, from_home, in_place  # type: ignore[return-value]


def _peak_megabytes() -> float:
    """The largest resident size of this process or of any of its children (the build's
    workers) so far, in MB (Linux reports kilobytes)."""
    import resource

    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def _child(size: int, pages_per_part: int | None, browser: bool = True) -> None:
    if pages_per_part:
        from tracker.publish import search

        search.PAGES_PER_PART = pages_per_part
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        library = _library(root, size)
        started = time.perf_counter()
        report = library.build()
        seconds = time.perf_counter() - started
        peak = _peak_megabytes()
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
                    "parts": len(json.loads((site / "pagefind" / "parts.json").read_text())["parts"]),
                    "rebuild": rebuild,
                    "peak": peak,
                    # the list of all studies, the longest list: its largest page (limit 200 KB)
                    "list_page": max(
                        q.stat().st_size for q in [site / "studies" / "index.html", *site.glob("browse/*/*/index.html")]
                    ),
                    "latency": _search_latency(site) if browser else None,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--pages-per-part", type=int, help="studies per search index part (default: the site's)")
    parser.add_argument("--no-browser", action="store_true", help="build only: no search timing (for 50,000)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.pages_per_part, browser=not args.no_browser)
        return
    for size in args.sizes:
        options = ["--pages-per-part", str(args.pages_per_part)] if args.pages_per_part else []
        f = run_child(__file__, str(size), *options, *(["--no-browser"] if args.no_browser else []))
        if isinstance(f, str):
            print(f"{size}: failed\n{f}")
            continue
        print(
            f"{size:>6} studies: build {f['seconds']:5.1f} s ({f['pages']} pages, {f['files']} files, "
            f"{f['megabytes']:.1f} MB; Pagefind index in {f['parts']} parts {f['index_seconds']:.1f} s, "
            "partly alongside); "
            f"unchanged rebuild {f['rebuild']:.1f} s; peak memory {f['peak']:.0f} MB; "
            f"largest page of the list of all studies {f['list_page'] / 1000:.0f} KB",
            flush=True,
        )
        if not f["latency"]:
            print("        search latency: not measured (--no-browser, or no Chromium or Playwright)")
            continue
        rows, opening, from_home, in_place = f["latency"]
        rows = sorted(rows, key=lambda row: row[1])
        whole, typed, again = (statistics.median(row[column] for row in rows) * 1000 for column in (2, 3, 4))
        slowest = max(row[column] for row in rows for column in (3, 4)) * 1000
        print(
            f"        search latency (each query's median of {ROUNDS} rounds), median: {typed:.0f} ms typed, "
            f"{whole:.0f} ms for a whole query (the word's first search), {again:.0f} ms for it again; "
            f"typed or again, at most {slowest:.0f} ms"
        )
        for what, seconds_each in (
            ("search page opened with a query (nothing cached)", opening),
            ("typed into the home page's box, Enter pressed", from_home),
            ("typed into the home page's box (nothing cached), first results under it", in_place),
        ):
            shown = zip(OPENING_QUERIES, seconds_each, strict=True)
            print(f"        {what}: results after " + ", ".join(f"{s * 1000:.0f} ms ({q})" for q, s in shown))
        for query, found, first, keyed, repeated in rows:
            print(
                f"          {query:<16} {found:>6} results ({found / size:4.0%} of studies) "
                f"{keyed * 1000:6.0f} ms typed, {first * 1000:6.0f} ms whole, {repeated * 1000:6.0f} ms again"
            )


if __name__ == "__main__":
    main()
