"""Tagging accuracy on the curators' labelled development set (../shared/gold/tagging-dev.jsonl).

    python bench/tagging_accuracy.py [--codes] [--misses N] [--heldout]

The set is split once, by a hash of each study's id, into a development part (two thirds)
and a held-out part (one third) that rules are never tuned on: both are reported, and the
held-out figures are the ones that stand for "studies the tagger has never seen". The real
abstracts of ../shared/gold/screening-dev.jsonl are reported whole and in two halves: half A
has been looked at while writing rules, half B never has. Prints
micro precision / recall / F1 per facet, per code with --codes, use accuracy and its
confusions, and the worst misses of the development part with their evidence. Skips with
a message when the set is absent. Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from pathlib import Path

from tracker.tagging import tag_text

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "tagging-dev.jsonl"
#: Real abstracts of migration studies, most not using MIPEX: as a library shows them after
#: screening, a study that does not use MIPEX (excluded) has no area and no use.
SCREENING = GOLD.with_name("screening-dev.jsonl")
FACETS = (("country", "countries"), ("area", "areas"), ("outcome", "outcomes"))


def held_out(study_id: str) -> bool:
    """One study in three, fixed by its id: never looked at while writing rules."""
    return int(hashlib.sha256(study_id.encode()).hexdigest(), 16) % 3 == 0


def screening_half(study_id: str) -> str:
    """The screening set's halves, fixed by its id: rules were written looking at the misses
    of half "A" only (session 16); half "B" stays unseen. (SHA-1, because SHA-256 puts 34 of
    its 35 ids on one side.)"""
    return "A" if int(hashlib.sha1(study_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _report(label: str, studies: list[dict], show_codes: bool) -> list[tuple[int, dict, dict]]:
    totals = {facet: Counter() for facet, _ in FACETS}
    per_code: dict[str, Counter] = {}
    use_right = 0
    confusions: Counter = Counter()
    misses = []
    started = time.perf_counter()
    with_use = 0
    for study in studies:
        tagging = tag_text(study["title"], study.get("abstract", ""))
        excluded = study.get("uses_mipex") is False
        wrong = 0
        for facet, field in FACETS:
            gold, found = set(study[field]), set(tagging.codes(facet))
            if excluded and facet == "area":
                found = set()
            totals[facet].update(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))
            for code in gold | found:
                counter = per_code.setdefault(f"{facet}:{code}", Counter())
                counter.update(tp=code in gold and code in found, fp=code in found - gold, fn=code in gold - found)
            wrong += len(gold ^ found)
        (use,) = tagging.codes("use")
        if excluded:
            misses.append((wrong, study, {p.facet + ":" + p.code: p.evidence for p in tagging.proposals}))
            continue
        with_use += 1
        use_right += use == study["use"]
        if use != study["use"]:
            confusions[(study["use"], use)] += 1
            wrong += 1
        misses.append((wrong, study, {p.facet + ":" + p.code: p.evidence for p in tagging.proposals}))
    seconds = time.perf_counter() - started
    print(f"{label}: {len(studies)} studies ({seconds:.2f} s)")
    for facet, _ in FACETS:
        precision, recall, f1 = _prf(totals[facet]["tp"], totals[facet]["fp"], totals[facet]["fn"])
        print(f"  {facet:<8} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")
    if with_use:
        print(
            f"  use      accuracy {use_right / with_use:.3f} of {with_use}"
            f"  confusions (gold -> ours): {dict(confusions)}"
        )
    else:
        print("  use      (no study here uses MIPEX)")
    if show_codes:
        for name, counter in sorted(per_code.items()):
            precision, recall, f1 = _prf(counter["tp"], counter["fp"], counter["fn"])
            print(
                f"    {name:<34} P {precision:.2f} R {recall:.2f} F1 {f1:.2f}  (gold {counter['tp'] + counter['fn']})"
            )
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codes", action="store_true", help="figures per code")
    parser.add_argument("--misses", type=int, default=0, help="print the N worst studies of the development part")
    args = parser.parse_args()
    if not GOLD.exists():
        print(f"tagging accuracy: skipped ({GOLD} is absent)")
        return
    studies = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    development = [s for s in studies if not held_out(s["id"])]
    unseen = [s for s in studies if held_out(s["id"])]
    misses = _report("development part", development, args.codes)
    _report("held-out part (never tuned on)", unseen, args.codes)
    if SCREENING.exists():
        real = [json.loads(line) for line in SCREENING.read_text(encoding="utf-8").splitlines() if line.strip()]
        _report("screening set: real abstracts of migration studies, after screening", real, args.codes)
        for half, words in (("A", "looked at while writing rules"), ("B", "never looked at")):
            _report(f"  screening half {half} ({words})", [s for s in real if screening_half(s["id"]) == half], False)
        contrary = [s["id"] for s in real if s.get("uses_mipex") is False and s["areas"]]
        if contrary:
            print(
                f"  note: {', '.join(contrary)} not using MIPEX but labelled with areas, against the set's README;"
                " an excluded study shows none, so they count as missed above. Read as the README says:"
            )
            as_readme = [{**s, "areas": []} if s.get("uses_mipex") is False else s for s in real]
            _report("  screening set, no areas for a study not using MIPEX", as_readme, False)
    for wrong, study, evidence in sorted(misses, key=lambda m: -m[0])[: args.misses]:
        tagging = tag_text(study["title"], study.get("abstract", ""))
        print(f"\n{wrong} wrong: {study['title']}")
        for facet, field in FACETS:
            print(f"  {facet}: gold {sorted(study[field])} ours {tagging.codes(facet)}")
        print(f"  use: gold {study['use']} ours {tagging.codes('use')}")
        for name, phrases in sorted(evidence.items()):
            print(f"    {name}: {phrases[:6]}")


if __name__ == "__main__":
    main()
