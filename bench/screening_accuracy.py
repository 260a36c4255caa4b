"""Screening on real records: how many studies that use MIPEX are kept, and how much reading is saved.

    python bench/screening_accuracy.py [--step 5] [--no-corpus]

Real records only (skips with a message when ../shared is absent):
- studies that use MIPEX: the 120 of ../shared/gold/tagging-dev.jsonl and the positives of
  ../shared/gold/screening-dev.jsonl (title and abstract as published);
- studies that do not: the other real abstracts of screening-dev.jsonl (migration studies),
  and every record of the shared bib-corpus literature searches (Scopus, Web of Science and
  the RIS exports), read by the tracker's own readers: none of them is about MIPEX.

Printed, as the tracker would do it in a library holding all of them:
1. evidence: the studies included without a curator (MIPEX named), right and wrong;
2. the start (rules of tracker/vocab/screening.toml, no decision yet): recall of the
   studies that use MIPEX at the bulk threshold 0.05 (auto-included or scored >= 0.05), and
   the share of the others a `screen --exclude-below 0.05` would leave out; the same on the
   tagging set's development and held-out parts (split by a hash of the id, as
   bench/tagging_accuracy.py does), since the rules were written beside the first;
3. the queue that learns (ASReview's simulation): a curator answers the top of the queue,
   the model is retrained every --step answers; records read before 95% and 100% of the
   undecided relevant ones are found, and WSS@95 (work saved over reading in random order
   at 95% recall). Nothing is asserted.

The peer, ASReview (`--asreview PATH`, its `asreview` command, installed apart: it is no
dependency of the tracker): the masked records, its default model, one relevant and one
irrelevant record given at the start as it asks (chosen at random, three seeds), read in
its order; the same figures, its two given records not counted as read.

Nearly every abstract of a study that uses MIPEX names it, so evidence alone includes
them and the queue holds none. To measure the rules and the learner on the hard case (a
study of integration policy as a whole whose abstract never names the index), parts 2 and 3
are run again with every name of MIPEX blanked out of every text ("masked").
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from tracker.ingest import read_file
from tracker.screening.learner import Learner
from tracker.screening.vocabulary import mipex_evidence
from tracker.textkeys import fold

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD = SHARED / "gold"
CORPUS = SHARED / "data" / "bib-corpus"
THRESHOLD = 0.05


def held_out(study_id: str) -> bool:
    return int(hashlib.sha256(study_id.encode()).hexdigest(), 16) % 3 == 0


def _gold() -> list[tuple[str, str, bool, str]]:
    """(id, text, uses MIPEX, part) of the labelled real abstracts."""
    found = []
    for line in (GOLD / "tagging-dev.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        part = "tagging held-out" if held_out(item["id"]) else "tagging development"
        found.append((item["id"], f"{item['title']} . {item.get('abstract', '')}", True, part))
    for line in (GOLD / "screening-dev.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        found.append(
            (item["id"], f"{item['title']} . {item.get('abstract', '')}", bool(item["uses_mipex"]), "screening")
        )
    return found


def _corpus() -> list[tuple[str, str, bool, str]]:
    """Every record of the shared literature-search exports, as the tracker reads them."""
    files = sorted(CORPUS.glob("litsearchr_*.bib")) + sorted((CORPUS / "ris").glob("*.ris"))
    found = []
    for path in files:
        read = read_file(path, "bibtex" if path.suffix == ".bib" else "ris")
        for entry in read.entries:
            if entry.failed or not entry.fields.get("title"):
                continue
            keywords = entry.fields.get("keywords") or []
            words = "; ".join(keywords) if isinstance(keywords, list) else str(keywords)
            text = f"{entry.fields['title']} . {entry.fields.get('abstract', '')} . {words}"
            found.append((f"{path.name}:{entry.line}", text, False, "bib-corpus"))
    return found


def _unique(items: list[tuple[str, str, bool, str]]) -> list[tuple[str, str, bool, str]]:
    """One record per title (the exports overlap: a library would hold one study)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        title = fold(item[1].split(" . ")[0])
        if title and title not in seen:
            seen.add(title)
            kept.append(item)
    return kept


_MASK = re.compile(
    r"\(?\bMIPEX\b[^\s,.;)]*\)?|Migra\w* Integration Polic\w* Ind\w*|Integration Policy Index", re.IGNORECASE
)


def masked(text: str) -> str:
    """The text without any name of MIPEX (and what follows it: "MIPEX-R", "MIPEX 2020")."""
    return _MASK.sub(" ", text)


def simulate(learner: Learner, relevant: np.ndarray, known: dict[int, bool], step: int) -> list[int]:
    """Answer the queue from the top as a curator who knows the labels; returns the order read."""
    labels = dict(known)
    waiting = [i for i in range(len(relevant)) if i not in labels]
    read: list[int] = []
    while waiting:
        learner.train(labels)
        scores = learner.scores(waiting)
        order = [waiting[i] for i in np.argsort(-scores, kind="stable")]
        batch = order[:step]
        for index in batch:
            labels[index] = bool(relevant[index])
            read.append(index)
        taken = set(batch)
        waiting = [i for i in waiting if i not in taken]
        if all(not relevant[i] for i in waiting):  # every relevant one found: the rest is counted as read last
            read.extend(order[step:])
            break
    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", type=int, default=5, help="retrain after this many answers")
    parser.add_argument("--no-corpus", action="store_true", help="leave the bib-corpus negatives out")
    parser.add_argument("--asreview", metavar="PATH", help="the peer's `asreview` command, run on the masked records")
    args = parser.parse_args()
    if not GOLD.exists():
        print(f"skipped: {GOLD} is absent")
        return
    items = _gold() + ([] if args.no_corpus or not CORPUS.exists() else _corpus())
    items = _unique(items)
    texts = [text for _, text, _, _ in items]
    relevant = np.array([label for _, _, label, _ in items])
    parts = [part for _, _, _, part in items]
    print(f"{len(items)} records: {relevant.sum()} use MIPEX, {(~relevant).sum()} do not")

    run(items, texts, relevant, parts, step=args.step, label="as exported")
    run(items, [masked(t) for t in texts], relevant, parts, step=args.step, label="masked: MIPEX never named")
    if args.asreview:
        asreview(args.asreview, [masked(t) for t in texts], relevant)


def run(items, texts, relevant, parts, *, step, label) -> None:  # type: ignore[no-untyped-def]
    print(f"\n==== {label}")
    started = time.perf_counter()
    evidence = [bool(mipex_evidence([t])) for t in texts]
    auto = np.array(evidence)
    print("\n1. included on evidence (MIPEX named)")
    print(
        f"   right {int((auto & relevant).sum())} of {int(relevant.sum())} that use MIPEX;"
        f" wrong {int((auto & ~relevant).sum())}"
    )

    learner = Learner(texts)
    features = time.perf_counter() - started
    prior = learner.scores()
    print(f"\n2. the start (rules only), bulk threshold {THRESHOLD}")
    print(f"   {'part':22} {'use MIPEX':>9} {'kept':>6} {'recall':>7} {'others':>7} {'left out':>9}")
    for part in ("tagging development", "tagging held-out", "screening", "bib-corpus", "all"):
        chosen = np.array([part in ("all", p) for p in parts])
        positives = chosen & relevant
        kept = positives & (auto | (prior >= THRESHOLD))
        others = chosen & ~relevant
        left_out = others & ~auto & (prior < THRESHOLD)
        recall = kept.sum() / positives.sum() if positives.sum() else float("nan")
        share = left_out.sum() / others.sum() if others.sum() else float("nan")
        print(f"   {part:22} {positives.sum():9d} {kept.sum():6d} {recall:7.3f} {others.sum():7d} {share:9.3f}")
    missed = [items[i][0] for i in np.flatnonzero(relevant & ~auto & (prior < THRESHOLD))]
    if missed:
        print(f"   below the threshold: {', '.join(missed[:10])}")

    known = dict.fromkeys(np.flatnonzero(auto), True)  # included on evidence: the model learns from them
    started = time.perf_counter()
    order = simulate(learner, relevant, known, step)
    seconds = time.perf_counter() - started
    queue = len(order)
    wanted = [i for i in order if relevant[i]]
    found_at = np.cumsum([bool(relevant[i]) for i in order])
    print(f"\n3. the queue that learns ({queue} undecided, {len(wanted)} of them use MIPEX; retrained every {step})")
    if wanted:
        at95 = int(np.searchsorted(found_at, int(np.ceil(0.95 * len(wanted))))) + 1
        at100 = int(np.searchsorted(found_at, len(wanted))) + 1
        wss95 = (queue - at95) / queue - 0.05
        print(f"   read {at95} ({at95 / queue:.1%}) to find 95%, {at100} ({at100 / queue:.1%}) to find all")
        print(f"   WSS@95 {wss95:.3f}; overall recall with evidence, after reading to the last one: 1.000")
        for stop in (0.10, 0.25):
            read = int(queue * stop)
            print(f"   after reading {stop:.0%} of the queue: {int(found_at[read - 1])} of {len(wanted)} found")
    print(f"\n   features {features:.1f} s; simulation {seconds:.1f} s ({queue // step} retrainings)")


def asreview(command: str, texts: list[str], relevant: np.ndarray) -> None:
    """ASReview's simulation on the same records, read as `run` reads the tracker's queue."""
    print("\n==== the peer, ASReview (masked records, its default model, 1 + 1 records given at random)")
    version = subprocess.run([command, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "records.csv"
        with data.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["record_id", "title", "abstract", "label_included"])
            numbered = enumerate(zip(texts, relevant, strict=True))
            writer.writerows([i, "", text, int(label)] for i, (text, label) in numbered)
        for seed in (1, 2, 3):
            project = Path(folder) / f"seed{seed}.asreview"
            started = time.perf_counter()
            subprocess.run(
                [command, "simulate", str(data), "--n-prior-included", "1", "--n-prior-excluded", "1",
                 "--prior-seed", str(seed), "--seed", str(seed), "-o", str(project)],
                check=True, capture_output=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            with zipfile.ZipFile(project) as archive:
                archive.extract("results.db", Path(folder) / f"seed{seed}")
            with sqlite3.connect(Path(folder) / f"seed{seed}" / "results.db") as results:
                rows = list(results.execute("select label, classifier from results order by rowid"))
            given = [label for label, model in rows if model is None]  # the records given at the start
            read = [label for label, model in rows if model is not None]
            queue, wanted = len(texts) - len(given), int(relevant.sum()) - sum(given)
            found_at = np.cumsum(read)
            at95 = int(np.searchsorted(found_at, math.ceil(0.95 * wanted))) + 1
            at100 = int(np.searchsorted(found_at, wanted)) + 1
            wss95 = (queue - at95) / queue - 0.05
            print(
                f"   {version}, seed {seed} ({rows[-1][1]}): read {at95} ({at95 / queue:.1%}) to find 95%,"
                f" {at100} ({at100 / queue:.1%}) to find all; WSS@95 {wss95:.3f} ({seconds:.0f} s)"
            )


if __name__ == "__main__":
    sys.exit(main())
