"""Hostile files against ordinary files of the same size: the tracker's import time and
peak memory for each, and the ratio (issue: within 3x of a same-sized ordinary file).

    python bench/hostile_sizes.py [--entries 100000] [--megabytes 10] [--repeat 3]

Pairs: one field of N MB of plain words vs one of N MB of LaTeX (accents, font macros,
inline math); N entries with their own keys vs N sharing one key vs N without keys.
Each import runs in its own process into an empty library (best of --repeat). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

_LATEX_WORDS = [
    r"\'{e}t\'{e}",
    r"\"{o}ber",
    r"\textit{policy}",
    r"{\"u}ber",
    r"$\alpha_1$",
    "integration",
    r"\emph{MIPEX}",
    r"na\"{\i}ve",
    r"{\ss}",
    r"\v{S}koda",
    "--",
    r"\&",
]


def _one_field(megabytes: int, latex: bool) -> str:
    rng = random.Random(1)
    words, size = [], 0
    while size < megabytes * 1_000_000:
        word = rng.choice(_LATEX_WORDS) if latex else rng.choice(["integration", "policy", "word", "index"])
        words.append(word)
        size += len(word) + 1
    return "@article{big, title = {One big field}, year = {2020},\n  abstract = {" + " ".join(words) + "}}\n"


def _many(entries: int, keys: str) -> str:
    key = {"own": "k{i}", "same": "same", "none": ""}[keys]
    return "".join(
        f"@article{{{key.format(i=i)}, title = {{Title number {i}}}, author = {{Doe, Jane}}, year = {{2020}}}}\n"
        for i in range(entries)
    )


def _timed_import(path: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of `mipex-tracker import` in a fresh library, its own process."""
    with tempfile.TemporaryDirectory() as library:
        code = (
            "import resource, sys, time; from pathlib import Path; from tracker.library import Library;"
            "t = time.perf_counter(); Library(Path(sys.argv[1])).import_files([Path(sys.argv[2])]);"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, library, str(path)], capture_output=True, text=True, check=True
        )
        seconds, peak = out.stdout.split()
        return float(seconds), float(peak)


def _best(path: Path, repeat: int) -> tuple[float, float]:
    runs = [_timed_import(path) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--megabytes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    pairs = [
        (
            f"{options.megabytes} MB field",
            lambda: _one_field(options.megabytes, False),
            f"{options.megabytes} MB field of LaTeX",
            lambda: _one_field(options.megabytes, True),
        ),
        (
            f"{options.entries:,} entries",
            lambda: _many(options.entries, "own"),
            f"{options.entries:,} entries, one key",
            lambda: _many(options.entries, "same"),
        ),
        (
            f"{options.entries:,} entries",
            lambda: _many(options.entries, "own"),
            f"{options.entries:,} entries, no keys",
            lambda: _many(options.entries, "none"),
        ),
    ]
    print(f"best of {options.repeat}; peak = the largest of the runs' peak memory")
    print(f"{'ordinary':<28} {'s':>7} {'MiB':>6}   {'hostile':<34} {'s':>7} {'MiB':>6}  ratio")
    resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))  # a blow-up stops at 8 GiB
    with tempfile.TemporaryDirectory() as folder:
        for ordinary_name, ordinary, hostile_name, hostile in pairs:
            a, b = Path(folder) / "ordinary.bib", Path(folder) / "hostile.bib"
            a.write_text(ordinary())
            b.write_text(hostile())
            (sa, ma), (sb, mb) = _best(a, options.repeat), _best(b, options.repeat)
            print(f"{ordinary_name:<28} {sa:7.2f} {ma:6.0f}   {hostile_name:<34} {sb:7.2f} {mb:6.0f}  {sb / sa:5.2f}x")


if __name__ == "__main__":
    main()
