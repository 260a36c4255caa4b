"""Import speed and memory: the tracker's full import against bibtexparser's bare parse.

    python bench/import_speed.py [--sizes 10000 100000] [--db URL]

For each size, a deterministic file of realistic records (tracker.synthetic) is imported
into an empty library — parsed, normalised, stored, text image written — and, on the same
file, bibtexparser's bare `parse_file` runs for the ratio. Each run is its own process, so
peak memory (max RSS) is that run's alone (the parent stays small: inputs are generated in
a child process too). When ../shared/data/bib-corpus is present, its
real BibTeX files are measured the same way. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "bib-corpus"


def _run_tracker(files: list[str], library: str, db_url: str | None) -> dict:
    from tracker.library import Library

    started = time.perf_counter()
    result = Library(Path(library), db_url).import_files([Path(f) for f in files])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "entries": sum(r.entries for r in result.files), "added": result.added}


def _run_bare(files: list[str]) -> dict:
    import bibtexparser

    started = time.perf_counter()
    entries = 0
    for name in files:
        try:
            library = bibtexparser.parse_file(name)
        except UnicodeDecodeError:
            continue
        entries += len(library.entries) + len(library.failed_blocks)
    return {"seconds": time.perf_counter() - started, "entries": entries}


def _child(kind: str, files: list[str], library: str, db_url: str | None) -> None:
    figures = _run_tracker(files, library, db_url) if kind == "tracker" else _run_bare(files)
    # the import may read in a worker process: count its peak too (an upper bound: the
    # two peaks need not coincide)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_mib"] = (own + workers) / 1024
    print(json.dumps(figures))


def _measure(kind: str, files: list[Path], db_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="mipex-bench-") as library:
        command = [sys.executable, __file__, "--child", kind, "--library", library, *map(str, files)]
        if db_url:
            command += ["--db", db_url]
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(label: str, files: list[Path], db_url: str | None) -> None:
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    bare = _measure("bare", files, db_url)
    tracker = _measure("tracker", files, db_url)
    entries = tracker["entries"]
    print(
        f"{label:>16}: {entries:>7} entries, {size_mb:7.1f} MB | tracker {tracker['seconds']:6.2f} s "
        f"({entries / tracker['seconds']:>7.0f} entries/s, {size_mb / tracker['seconds']:5.1f} MB/s, "
        f"peak {tracker['peak_mib']:6.0f} MiB incl. reader process) | bare parse_file {bare['seconds']:6.2f} s "
        f"(peak {bare['peak_mib']:5.0f} MiB) | ratio {tracker['seconds'] / bare['seconds']:4.2f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--db", help="store URL (default: a SQLite file in a temporary library)")
    parser.add_argument("--child", choices=["tracker", "bare", "generate"], help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "generate":
        from tracker.synthetic import bibtex_library

        Path(args.files[1]).write_text(bibtex_library(int(args.files[0])), encoding="utf-8")
        return
    if args.child:
        _child(args.child, args.files, args.library, args.db)
        return

    print(f"import speed on {sys.platform}, Python {sys.version.split()[0]}, store: {args.db or 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="mipex-bench-input-") as folder:
        for size in args.sizes:
            path = Path(folder) / f"generated-{size}.bib"
            # generated in a child: Linux keeps a process's peak memory across exec, so a
            # parent that held the text would lend its peak to every run measured after
            subprocess.run([sys.executable, __file__, "--child", "generate", str(size), str(path)], check=True)
            _report(f"generated {size // 1000}k", [path], args.db)
            path.unlink()
    if CORPUS.exists():
        files = sorted(CORPUS.glob("*.bib"))
        _report("shared corpus", files, args.db)
    else:
        print(f"shared corpus: skipped ({CORPUS} is absent)")


if __name__ == "__main__":
    main()
