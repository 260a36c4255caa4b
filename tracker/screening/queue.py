"""The screening queue: the undecided studies, most likely to use MIPEX first.

Built fresh each time it is asked for, from every study of the library: the learner's
features are fitted on all of them, its model trained on those already decided, and the
undecided ones ordered by score — so each answer a curator gives reorders what follows, as
in ASReview. Also the one bulk step: excluding every undecided study below a threshold
the curator names, itself one logged decision that `screen --undo` takes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


class Queue:
    """The undecided studies by score (`items`), and what the scores were learnt from.

    It keeps the library's studies and their features, so a curator's answer in an
    interactive session (`learn`) retrains the model and reorders the queue in a fraction
    of a second, without reading the library again."""

    def __init__(self, views: list[StudyView], learner: Learner, labels: dict[int, bool]) -> None:
        self.views = views
        self.learner = learner
        self.labels = labels
        self._index = {view.key: i for i, view in enumerate(views)}
        self.items: list[QueueItem] = []
        self._rank()

    def _rank(self) -> None:
        self.learner.train(self.labels)
        waiting = [i for i in range(len(self.views)) if i not in self.labels]
        scores = self.learner.scores(waiting)
        ranked = sorted(zip(waiting, scores, strict=True), key=lambda pair: (-pair[1], self.views[pair[0]].key))
        self.items = [QueueItem(self.views[i], self.learner.explain(i, float(score))) for i, score in ranked]

    def learn(self, key: str, included: bool) -> None:
        """A curator's answer (already saved): the model learns it, the queue reorders."""
        self.labels[self._index[key]] = included
        self._rank()

    @property
    def included(self) -> int:
        return sum(self.labels.values())

    @property
    def excluded(self) -> int:
        return len(self.labels) - self.included

    @property
    def model_share(self) -> float:
        """How much the learnt model weighs against the rules (0-1)."""
        return self.learner.model_share

    @property
    def learning(self) -> str:
        """What orders the queue, in words."""
        if not self.model_share:
            return "ordered by the rules of tracker/vocab/screening.toml (no decisions on both sides yet)"
        decided = self.included + self.excluded
        sides = f"{self.included} included, {self.excluded} excluded"
        return f"learnt from {decided} decisions ({sides}), model weight {self.model_share:.0%}"


#: The most of one text (a title, an abstract, keywords) the relevance model reads. Abstracts
#: are a few thousand characters; a field of megabytes (a whole paper pasted, or a hostile
#: file) is judged by its beginning, which says what it is about, instead of costing the
#: model a gigabyte of memory. Evidence that MIPEX is named is still sought in the whole text.
MOST_SCREENED = 20_000


def study_text(view: StudyView) -> str:
    """The text a study is screened on: title, abstract and keywords of all its records."""
    parts = [text[:MOST_SCREENED] for record in view.records for text in screening_texts(record.fields) if text]
    return " . ".join(dict.fromkeys(parts))


def build_queue(session: Session, progress: Progress | None = None) -> Queue:
    """Score every undecided study from what the library's decisions teach."""
    views = load_views(session)
    if progress:
        progress("reading studies", len(views), len(views))
    learner = Learner([study_text(view) for view in views])
    if progress:
        progress("learning from the decisions", len(views), len(views))
    labels = {
        i: view.screening.status == INCLUDED for i, view in enumerate(views) if view.screening.status != UNDECIDED
    }
    return Queue(views, learner, labels)


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
