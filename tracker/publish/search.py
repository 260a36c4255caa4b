"""Full-text search with facet filters, from any static host: Pagefind indexes the built
study pages (`data-pagefind-body`, with `data-pagefind-filter` for area, country, outcome,
use and year) into `site/pagefind/`, which the search page loads — no server, no CDN.

The index is cut into parts of a few hundred studies each, a stable hash of a study's page
choosing its part. Two reasons, both measured with `bench/site_speed.py`:

- Pagefind's scoring of one index takes time that grows with the square of the pages a query
  matches (upstream issue #49; PR #1334 would mend it). Parts keep each index small, and the
  search page (`templates/assets/search-engine.js`) merges their results as Pagefind's own
  multi-index search does, spread over the browser's cores. At 10,000 studies this took the
  median query from 1.1 s to under a fifth of that.
- A changed study re-indexes only its part: `parts.json` records which pages each part was
  built from.

When no word of an index begins with a query's term, Pagefind matches the longest word that
the term begins with instead ("in" for "integration"): in one index that means no page has
the word, but a part lacking it would bring pages one index would not. So every part also
indexes one more page holding every word of every study page (`indexed_words`): each part
knows the same words, and a term finds in each part what it would find in one index. The
search page's workers leave those pages out: the pages are alike, so Pagefind gives them one
id, which `parts.json` records (`words_page_ids`); they also carry a made-up word,
`WORDS_MARKER`, to be found by when it does not. Words only ever reach the index this way
when a study page has them, so a new word rebuilds every part.

Pagefind comes from PyPI (`pagefind[bin]` carries its binary); without it the site is
built all the same and the search page says search is not available.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import importlib
import json
import math
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tracker.publish.search_pack import START_PACK, write_start_pack
from tracker.store.files import write_atomically

INDEX_FOLDER = "pagefind"
#: Which parts exist and the pages each was built from (read by the search page, too).
MANIFEST = "parts.json"
#: About this many study pages per part: a word's first search fetches one index chunk per
#: part (~3.5 ms of the browser's time each here), and Pagefind's scoring grows with the
#: square of a part's matches. bench/site_speed.py at 10,000 studies (median whole query
#: searched again / slowest): 2 parts 106 / 316 ms, 16 parts 56 / 104 ms, 32 parts
#: 57 / 89 ms, but twice the chunks per first search (median 138 ms against 136-152 ms the
#: same day: no faster) and the build 32.6 s, over its 30 s target.
PAGES_PER_PART = 500
#: Up to this many study pages the index is one part: parts merge their results by scores
#: each part computes from its own word statistics, so a part of many pages about forests
#: and one of few could order a word's matches otherwise than one index would. Past it, one
#: index grows slow: bench/search_scaling.py, Pagefind 1.5.2, a word in 79% of the studies
#: searched again in one index: 13.6 ms at 1,000 studies, 20.3 ms at 2,000, 34.2 ms at 3,000.
ONE_INDEX_UP_TO = 3000
#: The language Pagefind is told the pages are in: one it has no stemmer for, so words are
#: indexed as written. English stemming made "naturalization", "natural" and "nature" one
#: word ("natur"), and a search for naturalization ranked five papers about natural forests
#: above "Naturalization fosters..." in a real library of 1,458 studies. Without it a query
#: still matches the longer words it begins (refugee: refugees), not its shorter relatives.
NO_STEMMING = "zz"
#: What Pagefind writes into every part that the site never loads: its other UIs, its
#: highlighter, and its own worker (templates/assets/search-worker.js replaces it). Its
#: default UI stays in the first part, which the search page loads (`UI_FILES`; ~330 KB a
#: part saved).
UNUSED_BUNDLE_FILES = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-worker.js",
)
#: Pagefind's default UI, which the search page (and the home page's box) loads from the
#: first part alone: the other parts' copies are removed (130 KB a part, 8 MB at 50,000).
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
#: Pagefind processes at once: each is fast, and the build is writing pages meanwhile.
INDEXERS = max(1, min(os.cpu_count() or 1, 4))
#: The page of every study word that each part indexes too, and the word it is found by
#: (templates/assets/search-worker.js has it, too).
WORDS_PAGE = ".words/index.html"
WORDS_MARKER = "mipextrackerwordsofeverypart"
_BODY = re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-body\b[^>]*>")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)[^>]*>|<!--.*?-->", re.DOTALL)
#: Elements whose text Pagefind joins to its neighbours' (its parser's inline elements, but
#: `br`); at any other tag it starts a new word.
_INLINE = frozenset([
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "code", "dfn", "em", "i", "img", "input", "kbd",
    "label", "map", "object", "output", "q", "samp", "script", "select", "small", "span", "strong", "sub", "sup",
    "textarea", "time", "tt", "var",
])  # fmt: skip
_EDGE = re.compile(r"^\W+|\W+$")
_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]+)\"")


@functools.cache
def pagefind_binary() -> Path | None:
    """Pagefind's binary (from `pagefind[bin]`, or PAGEFIND_BINARY_PATH, or PATH). It is run
    directly: starting Python for `python -m pagefind` took longer than indexing a part."""
    try:
        service = importlib.import_module("pagefind.service")
    except ImportError:
        return None
    binary: Path | None = service.get_executable()
    return binary


def pagefind_available() -> bool:
    return pagefind_binary() is not None


def indexed_words(page: str) -> set[str]:
    """The words Pagefind may index from a page, lowercased: the text of its
    `data-pagefind-body` element, split where Pagefind splits it. More is harmless: a word no
    study has finds no study."""
    body = _BODY.search(page)
    if body:
        end = page.find(f"</{body.group(1)}>", body.end())
        page = page[body.end() : end if end >= 0 else len(page)]
    text = _TAG.sub(lambda tag: "" if (tag.group(1) or "").lower() in _INLINE else " ", page)
    if "&" in text:
        text = html.unescape(text)
    return set(text.lower().split())


def searchable(words: Iterable[str]) -> set[str]:
    """The words worth a place on the words page, without the punctuation around them: those
    with a letter, and numbers of up to four digits (years). Volume(issue) numbers and page
    ranges are left out: nobody searches them, and they were a third of all words."""
    bare = {_EDGE.sub("", word.lower()) for word in words}
    return {word for word in bare if any(c.isalpha() for c in word) or (word.isdigit() and len(word) <= 4)}


def words_page(words: Iterable[str], lang: str) -> str:
    """The page of every word each part indexes besides its studies (in their language)."""
    text = html.escape(" ".join([WORDS_MARKER, *sorted(words)]))
    return (
        f'<!doctype html>\n<html lang="{html.escape(lang)}">\n<head><meta charset="utf-8">'
        "<title>Words of the search index</title></head>\n"
        f"<body><main data-pagefind-body>\n<p>{text}</p>\n</main></body>\n</html>\n"
    )


def words_digest(words: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the index: its folder name, the study pages (slugs) it holds, and the
    digest of the words every part carries."""

    name: str
    slugs: tuple[str, ...]
    words: str = ""

    @property
    def digest(self) -> str:
        # How the part is indexed is part of it: a site indexed with stemming is indexed anew.
        return hashlib.sha256("\n".join([f"language:{NO_STEMMING}", self.words, *self.slugs]).encode()).hexdigest()[:16]

    @property
    def glob(self) -> str:
        """The part's pages and the words page as one Pagefind glob (slugs are letters,
        digits and hyphens)."""
        return "{studies/{" + ",".join(self.slugs) + f"}}/index.html,{INDEX_FOLDER}/{WORDS_PAGE}}}"


def part_count(pages: int) -> int:
    """A power of two near pages / PAGES_PER_PART: as a library grows, pages move between
    parts only when the count doubles."""
    if pages <= max(ONE_INDEX_UP_TO, PAGES_PER_PART * 1.5):
        return 1
    return 2 ** round(math.log2(pages / PAGES_PER_PART))


def plan_parts(slugs: Iterable[str], words: str = "") -> list[Part]:
    """The parts holding these study pages (each page in the part its slug hashes to);
    `words`: the digest of the words every part carries."""
    ordered = sorted(set(slugs))
    count = part_count(len(ordered))
    members: list[list[str]] = [[] for _ in range(count)]
    for name in ordered:
        members[int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") % count].append(name)
    return [Part(str(number), tuple(pages), words) for number, pages in enumerate(members) if pages]


def _built_from(site: Path, part: Part) -> str:
    """The part's digest and each of its pages' size and time: a stat per page, no read."""
    stamp = hashlib.sha256(part.digest.encode())
    for slug in part.slugs:
        try:
            stat = (site / "studies" / slug / "index.html").stat()
            stamp.update(f"\n{slug}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            stamp.update(f"\n{slug}:missing".encode())
    return stamp.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Manifest:
    """What `parts.json` says of the last build: part name → digest of what it was built
    from, the digest of the words every part carries, and the words pages' ids."""

    parts: dict[str, str]
    words: str = ""
    words_pages: tuple[str, ...] = ()


def read_manifest(index: Path) -> Manifest:
    """The last build's manifest; an empty one when absent or unreadable (then every part is
    rebuilt)."""
    try:
        manifest = json.loads((index / MANIFEST).read_text(encoding="utf-8"))
        parts, words, pages = manifest["parts"], manifest.get("words", ""), manifest.get("wordsPages", [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest({})
    if not isinstance(parts, dict):
        return Manifest({})
    ids = tuple(str(page) for page in pages) if isinstance(pages, list) else ()
    return Manifest({str(name): str(digest) for name, digest in parts.items()}, str(words), ids)


def _index_part(site: Path, part: Part) -> tuple[str | None, float]:
    """Build one part into a fresh folder and swap it in; the old part stays if Pagefind
    fails. Returns Pagefind's complaint (or None) and when it was done."""
    problem = _run_pagefind(site, part)
    return problem, time.perf_counter()


def _run_pagefind(site: Path, part: Part) -> str | None:
    index = site / INDEX_FOLDER
    fresh, stale = index / f".{part.name}.new", index / f".{part.name}.old"
    for leftover in (fresh, stale):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [str(pagefind_binary()), "--site", str(site), "--glob", part.glob]
    command += ["--output-subdir", f"{INDEX_FOLDER}/{fresh.name}", "--silent", "--keep-index-url"]
    command += ["--force-language", NO_STEMMING]
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        shutil.rmtree(fresh, ignore_errors=True)
        return f"part {part.name}: Pagefind took over 10 minutes"
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return f"part {part.name}: {(done.stdout + done.stderr).strip()[-300:]}"
    for unused in UNUSED_BUNDLE_FILES:
        (fresh / unused).unlink(missing_ok=True)
    write_start_pack(fresh)
    current = index / part.name
    if current.exists():
        current.rename(stale)
    fresh.rename(current)
    shutil.rmtree(stale, ignore_errors=True)
    return None


def words_page_ids(index: Path, parts: Iterable[str], known: Iterable[str] = ()) -> list[str] | None:
    """The ids Pagefind gave the parts' words pages, so the search page need not search for
    them; None when a part's cannot be told (the search page then looks for them by their
    marker word). The parts normally share one id (a page's id is its fragment's hash, and the
    words pages are alike), but a part whose rebuild failed keeps its older words page.
    `known`: the ids of the last build, tried first in each part (one file read, where
    finding the page lists all of the part's fragments: 0.15 s a build at 10,000 studies)."""
    known = tuple(known)
    ids = set()
    for name in parts:
        fragments = index / name / "fragment"
        found = next((page for page in known if _is_words_page(fragments / f"{page}.pf_fragment")), None)
        found = found or _largest_words_page(fragments)
        if found is None:
            return None
        ids.add(found)
    return sorted(ids)


def _largest_words_page(fragments: Path) -> str | None:
    """A words page is the largest fragment of its part by far: every word of the library
    against one study's few hundred."""
    candidates = [entry for entry in fragments.glob("*.pf_fragment") if entry.is_file()]
    if not candidates:
        return None
    largest = max(candidates, key=lambda entry: (entry.stat().st_size, entry.name))
    return largest.name.removesuffix(".pf_fragment") if _is_words_page(largest) else None


def _is_words_page(fragment: Path) -> bool:
    try:
        head = gzip.decompress(fragment.read_bytes())[:200]
    except (OSError, EOFError, gzip.BadGzipFile):
        return False
    return f'"/{INDEX_FOLDER}/{WORDS_PAGE}"'.encode() in head


class Indexing:
    """Pagefind over the parts whose pages changed, in processes of their own (started once
    the study pages are written, while the build writes the rest); `finish` waits for them."""

    def __init__(self, site: Path, slugs: Iterable[str], changed: set[str], words: Iterable[str] = ()) -> None:
        """`slugs`: every study page; `changed`: those this build wrote anew; `words`: what
        the study pages may have indexed (`indexed_words`)."""
        self.site, self.index = site, site / INDEX_FOLDER
        vocabulary = sorted(searchable(words))
        self.words = words_digest(vocabulary)
        self.parts = plan_parts(slugs, self.words)
        self.last = read_manifest(self.index)
        self.new_words = bool(self.last.parts) and self.last.words != self.words
        # what each part is built from, its pages as they are on disk included: a build
        # killed after writing pages and before indexing them leaves the old manifest, and
        # the next build sees the pages differ from what was indexed
        self.digests = {part.name: _built_from(site, part) for part in self.parts}
        self.todo = [
            part
            for part in self.parts
            if self.last.parts.get(part.name) != self.digests[part.name]
            or not (self.index / part.name).is_dir()
            or not changed.isdisjoint(part.slugs)
        ]
        self.started = time.perf_counter()
        self.jobs: dict[str, Future[tuple[str | None, float]]] = {}
        self.pool: ThreadPoolExecutor | None = None
        if pagefind_available() and self.todo:
            page = self.index / WORDS_PAGE
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(words_page(vocabulary, self._language()), encoding="utf-8")
            self.pool = ThreadPoolExecutor(max_workers=INDEXERS, thread_name_prefix="pagefind")
            self.jobs = {part.name: self.pool.submit(_index_part, site, part) for part in self.todo}

    def _language(self) -> str:
        """The study pages' language (Pagefind keeps one index per language)."""
        try:
            page = (self.site / "studies" / self.parts[0].slugs[0] / "index.html").read_text(encoding="utf-8")
        except (OSError, IndexError):
            return "en"
        found = _LANG.search(page)
        return found.group(1) if found else "en"

    @property
    def available(self) -> bool:
        """Whether the site will have a search index at all."""
        return pagefind_available() and bool(self.parts)

    @property
    def first_part(self) -> str:
        """The folder whose copy of Pagefind's search UI the search page loads."""
        return f"{INDEX_FOLDER}/{self.parts[0].name}/" if self.parts else f"{INDEX_FOLDER}/"

    def finish(self, progress: Callable[[int, int], None] | None = None) -> tuple[bool, float, str]:
        """(indexed, seconds, message); writes the manifest and removes parts no longer
        planned. `progress(done, total)` is told as parts finish."""
        if not pagefind_available():
            return False, 0.0, "search index skipped: pagefind is not installed (pip install 'pagefind[bin]')"
        names = {job: name for name, job in self.jobs.items()}
        answers = {}
        for done, job in enumerate(as_completed(names), start=1):
            answers[names[job]] = job.result()
            if progress:
                progress(done, len(names))
        if self.pool is not None:
            self.pool.shutdown()
        problems = {name: problem for name, (problem, _) in answers.items() if problem}
        seconds = max((done for _, done in answers.values()), default=self.started) - self.started
        built: dict[str, str] = {}
        for part in self.parts:
            if part.name in problems:
                if (self.index / part.name).is_dir():
                    built[part.name] = ""  # the old part still answers; the next build retries it
            elif (self.index / part.name).is_dir():
                built[part.name] = self.digests[part.name]
        for name in built:  # parts built before the packs were
            if not (self.index / name / START_PACK).is_file():
                write_start_pack(self.index / name)
        if built:
            self._one_ui(built)
        self._tidy(built)
        if problems:
            return False, seconds, "search index failed: " + "; ".join(problems.values())
        if not self.parts:
            return False, seconds, "search index skipped: no studies to index"
        if not self.todo:
            return True, 0.0, "search index unchanged (no study page changed)"
        if len(self.todo) == len(self.parts):
            parts = f"{len(self.parts)} part" + ("s" if len(self.parts) > 1 else "")
            why = "; the studies have new words, which every part carries" if self.new_words else ""
            return True, seconds, f"search index built in {seconds:.1f} s ({parts}{why})"
        return True, seconds, f"search index: {len(self.todo)} of {len(self.parts)} parts rebuilt in {seconds:.1f} s"

    def _one_ui(self, built: dict[str, str]) -> None:
        """Pagefind's UI in the first part only. The first part lacks it only if it was
        another part's before and was not rebuilt (a plan whose first part emptied): it is
        copied from a part that still has it, or the part is built again, which brings it."""
        first = self.index / self.parts[0].name
        if self.parts[0].name in built and not all((first / name).is_file() for name in UI_FILES):
            donor = next((self.index / n for n in built if all((self.index / n / f).is_file() for f in UI_FILES)), None)
            if donor is not None:
                for name in UI_FILES:
                    shutil.copyfile(donor / name, first / name)
            else:
                _run_pagefind(self.site, self.parts[0])
        for part in built:
            if part != self.parts[0].name:
                for name in UI_FILES:
                    (self.index / part / name).unlink(missing_ok=True)

    def _tidy(self, built: dict[str, str]) -> None:
        """Write the manifest, and remove what no planned part owns (an earlier, larger
        plan's parts, the single index of tracker versions before parts, the words page the
        parts were built with)."""
        if not built and not self.index.exists():
            return
        self.index.mkdir(parents=True, exist_ok=True)
        for entry in self.index.iterdir():
            if entry.name not in built and entry.name != MANIFEST:
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        manifest: dict[str, object] = {"parts": built, "words": self.words}
        if (ids := words_page_ids(self.index, built, self.last.words_pages)) is not None:
            manifest["wordsPages"] = ids
        write_atomically(self.index / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
