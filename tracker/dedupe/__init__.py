"""Deduplication: which records are one real work, and why.

`find_duplicates` is the entry point: match keys and blocking give candidate pairs, each
pair is scored (merge / review / apart, with reasons in words), and merges are applied
strongest first with a guard against chaining: two groups join only if no record of one
is judged apart from a record of the other, so A~B and B~C never pull in a C unlike A.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from tracker.dedupe.match import (
    APART,
    MERGE,
    REVIEW,
    MatchRecord,
    PairScore,
    Prepared,
    candidate_pairs,
    prepare,
    score_pair,
)

__all__ = [
    "APART",
    "MERGE",
    "REVIEW",
    "DedupeResult",
    "MatchRecord",
    "PairScore",
    "StageProgress",
    "find_duplicates",
    "group_prepared",
]


@dataclass(slots=True)
class DedupeResult:
    """Groups of records that are one work, the pairs behind them, and the review queue."""

    clusters: list[list[int]] = field(default_factory=list)  # indexes, groups of 2 or more
    merges: list[tuple[int, int, PairScore]] = field(default_factory=list)
    review: list[tuple[int, int, PairScore]] = field(default_factory=list)
    candidate_pairs: int = 0


#: What `find_duplicates` reports its progress to: (stage, done, total).
StageProgress = Callable[[str, int, int], None]
_TICK = 2000


def _silent(_stage: str, _done: int, _total: int) -> None:
    """Progress heard by nobody."""


def _keeps_apart(score: PairScore) -> bool:
    """A pair that must not end up in one group, whatever links them: judged apart, or
    two records with different DOIs (never merged automatically)."""
    return score.outcome == APART or score.other_dois


class _Groups:
    """Union-find that remembers each group's members (for the chaining guard)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {i: [i] for i in range(size)}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if len(self.members[root_a]) < len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.members[root_a].extend(self.members.pop(root_b))


def find_duplicates(
    records: Sequence[MatchRecord],
    only_with: Iterable[int] | None = None,
    *,
    studies: Sequence[Hashable] | None = None,
    apart: Collection[tuple[int, int]] = (),
    progress: StageProgress | None = None,
) -> DedupeResult:
    """Group `records` into works. With `only_with` (indexes of new records), only pairs
    involving a new record are compared: an incremental run after an import. `studies`
    gives each record's present group (its study), which a run only grows; `apart` holds pairs
    (i < j) a curator said are different works, which no group may ever join.
    `progress(stage, done, total)` hears how far the work is, now and then."""
    report = progress or _silent
    items: list[Prepared] = []
    for index, record in enumerate(records, start=1):
        items.append(prepare(record))
        if index % _TICK == 0 or index == len(records):
            report("reading records", index, len(records))
    return group_prepared(items, only_with, studies=studies, apart=apart, progress=progress)


def group_prepared(
    items: Sequence[Prepared],
    only_with: Iterable[int] | None = None,
    *,
    studies: Sequence[Hashable] | None = None,
    apart: Collection[tuple[int, int]] = (),
    progress: StageProgress | None = None,
) -> DedupeResult:
    """`find_duplicates` on records already folded (`prepare`): for a caller that needed
    them folded too (a store run keeps their match keys)."""
    report = progress or _silent
    groups = _Groups(len(items))
    first_of_study: dict[Hashable, int] = {}
    for index, study in enumerate(studies or ()):
        if study in first_of_study:
            groups.join(first_of_study[study], index)
        else:
            first_of_study[study] = index
    pairs = {p for p in candidate_pairs(items, only_with) if groups.find(p[0]) != groups.find(p[1])}
    kept_apart = set(apart)
    scores: dict[tuple[int, int], PairScore] = {}
    for done, pair in enumerate(sorted(pairs), start=1):
        scores[pair] = score_pair(items[pair[0]], items[pair[1]])
        if done % _TICK == 0 or done == len(pairs):
            report("comparing candidate pairs", done, len(pairs))

    def judged(a: int, b: int) -> PairScore:
        pair = (a, b) if a < b else (b, a)
        if pair not in scores:
            scores[pair] = score_pair(items[pair[0]], items[pair[1]])
        return scores[pair]

    result = DedupeResult(candidate_pairs=len(pairs))
    queued: set[tuple[int, int]] = set()
    strongest_first = sorted((p for p, s in scores.items() if s.outcome == MERGE), key=lambda p: -scores[p].score)
    for a, b in strongest_first:
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a == root_b:
            continue
        blocking = next(
            (
                (x, y)
                for x in groups.members[root_a]
                for y in groups.members[root_b]
                if (min(x, y), max(x, y)) in kept_apart or _keeps_apart(judged(x, y))
            ),
            None,
        )
        if blocking is None:
            groups.join(a, b)
            result.merges.append((a, b, scores[(a, b)]))
        else:
            x, y = blocking
            if (min(x, y), max(x, y)) in kept_apart:
                continue  # a curator's "different" stands: not even queued again
            other = items[y if x in (a, b) else x].record.id
            held = PairScore(
                REVIEW,
                scores[(a, b)].score,
                [*scores[(a, b)].reasons, f"held back: the group would include {other}, judged a different work"],
                other_dois=scores[(a, b)].other_dois,
            )
            result.review.append((a, b, held))
            queued.add((a, b))
    for (a, b), score in sorted(scores.items()):
        if (
            score.outcome == REVIEW
            and (a, b) not in queued
            and (a, b) not in kept_apart
            and groups.find(a) != groups.find(b)
        ):
            result.review.append((a, b, score))
    result.clusters = sorted(sorted(m) for m in groups.members.values() if len(m) > 1)
    return result
