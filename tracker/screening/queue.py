"""The screening queue: the undecided studies, most likely to use MIPEX first.

Built fresh each time it is asked for, from every study of the library: the learner's
features are fitted on all of them, its model trained on those already decided, and the
undecided ones ordered by score — so each answer a curator gives reorders what follows, as
in ASReview. Also the one bulk step: excluding every undecided study below a threshold
the curator names, itself one logged decision that `screen --undo` takes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from tracker.models import CURATOR
from tracker.screening import EXCLUDED, INCLUDED, SCREEN, UNDECIDED
from tracker.screening.learner import Learner, Relevance
from tracker.store.decisions import Proposed, log_decisions
from tracker.store.screening import screening_texts
from tracker.store.views import StudyView, load_views

#: The reason a bulk exclusion records (a study it left out can be included again).
BELOW_THRESHOLD = "no_mipex"

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class QueueItem:
    view: StudyView
    relevance: Relevance


@dataclass(slots=True)
class Queue:
    """The undecided studies by score, and what the scores were learnt from."""

    items: list[QueueItem] = field(default_factory=list)
    included: int = 0
    excluded: int = 0
    model_share: float = 0.0  # how much the learnt model weighs against the rules (0-1)

    @property
    def learning(self) -> str:
        """What orders the queue, in words."""
        if not self.model_share:
            return "ordered by the rules of tracker/vocab/screening.toml (no decisions on both sides yet)"
        decided = self.included + self.excluded
        sides = f"{self.included} included, {self.excluded} excluded"
        return f"learnt from {decided} decisions ({sides}), model weight {self.model_share:.0%}"


def study_text(view: StudyView) -> str:
    """The text a study is screened on: title, abstract and keywords of all its records."""
    parts = [text for record in view.records for text in screening_texts(record.fields) if text]
    return " . ".join(dict.fromkeys(parts))


def build_queue(session: Session, progress: Progress | None = None) -> Queue:
    """Score every undecided study from what the library's decisions teach."""
    views = load_views(session)
    if progress:
        progress("reading studies", len(views), len(views))
    learner = Learner([study_text(view) for view in views])
    statuses = [view.screening.status for view in views]
    labels = {i: status == INCLUDED for i, status in enumerate(statuses) if status != UNDECIDED}
    learner.train(labels)
    waiting = [i for i, status in enumerate(statuses) if status == UNDECIDED]
    scores = learner.scores(waiting)
    ranked = sorted(zip(waiting, scores, strict=True), key=lambda pair: (-pair[1], views[pair[0]].key))
    queue = Queue(
        included=sum(labels.values()),
        excluded=len(labels) - sum(labels.values()),
        model_share=learner.model_share,
    )
    for done, (index, score) in enumerate(ranked, start=1):
        queue.items.append(QueueItem(views[index], learner.explain(index, float(score))))
        if progress and done % 500 == 0:
            progress("scoring studies", done, len(ranked))
    return queue


def exclude_below(session: Session, threshold: float, made_at: str, progress: Progress | None = None) -> list[str]:
    """Exclude every undecided study scoring below `threshold`, as one logged decision.
    Returns the keys excluded."""
    queue = build_queue(session, progress)
    keys = [item.view.key for item in queue.items if item.relevance.score < threshold]
    if keys:
        values = {"status": EXCLUDED, "reason": BELOW_THRESHOLD, "note": f"scored below {threshold:g}"}
        reasons = (f"bulk: {len(keys)} undecided studies scored below {threshold:g} ({queue.learning})",)
        log_decisions(session, [Proposed(SCREEN, CURATOR, tuple(keys), None, reasons, values)], made_at)
    return keys
