"""A relevance score that learns from each screening decision, as ASReview's default does.

TF-IDF features are fitted once on every study of the library (words and word pairs of
title, abstract and keywords), and a logistic regression is trained on the studies already
decided — included (by a curator or on evidence) against excluded — each time the queue is
asked for. Until a library has decisions on both sides there is nothing to learn from, and
the rules of `tracker.screening.prior` order the queue; as decisions come, the model weighs
more (a curator's first few answers should not swing the whole queue), and after a few
dozen it decides nearly alone.

Every score is explained by the words that pushed it up most (TF-IDF value x weight), or by
the rules that fired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.screening.prior import PriorScore, prior_score

#: How many decisions the rules count for when blended with the model: with n decisions,
#: the model's share is n / (n + PRIOR_WEIGHT).
PRIOR_WEIGHT = 20
TOP_REASONS = 6


@dataclass(frozen=True, slots=True)
class Relevance:
    """One study's score (0-1: how likely it uses MIPEX) and why."""

    score: float
    reasons: tuple[str, ...]  # words or rules, strongest first
    phrases: tuple[str, ...]  # what to highlight in its text


class Learner:
    """The features of a library's studies, and scores learnt from its decisions."""

    def __init__(self, texts: Sequence[str]) -> None:
        # scikit-learn loads in a second and holds 200 MB: only commands that screen pay for it
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

        self.texts = list(texts)
        self.priors: list[PriorScore] = [prior_score(text) for text in self.texts]
        self.vectorizer = TfidfVectorizer(
            sublinear_tf=True,
            ngram_range=(1, 2),
            strip_accents="unicode",
            stop_words="english",
            min_df=1 if len(self.texts) < 5000 else 2,
            max_features=200_000,
            dtype=np.float32,
        )
        self.matrix = self.vectorizer.fit_transform(self.texts) if any(t.strip() for t in self.texts) else None
        self.model: Any = None  # a fitted sklearn LogisticRegression
        self.decided = 0
        self._names: np.ndarray | None = None

    def train(self, labels: Mapping[int, bool]) -> None:
        """Learn from the decisions made: study index -> included. Nothing is learnt until
        there is at least one study on each side."""
        self.decided = len(labels)
        self.model = None
        if self.matrix is None or len(set(labels.values())) < 2:
            return
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        rows = list(labels)
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        model.fit(self.matrix[rows], np.array([labels[i] for i in rows], dtype=int))
        self.model = model

    @property
    def model_share(self) -> float:
        return self.decided / (self.decided + PRIOR_WEIGHT) if self.model is not None else 0.0

    def scores(self, indices: Sequence[int] | None = None) -> np.ndarray:
        """The scores of the chosen studies (all by default), as one array."""
        chosen = list(range(len(self.texts))) if indices is None else list(indices)
        prior = np.array([self.priors[i].score for i in chosen], dtype=float)
        if self.model is None or not chosen:
            return prior
        learnt = self.model.predict_proba(self.matrix[chosen])[:, 1]
        share = self.model_share
        return share * learnt + (1 - share) * prior

    def explain(self, index: int, score: float) -> Relevance:
        """Why study `index` scores what it does: the words with the largest pull, or the
        rules (while the rules weigh more than the model)."""
        prior = self.priors[index]
        if self.model is None or self.model_share < 0.5:
            return Relevance(score, prior.reasons, prior.phrases)
        row = self.matrix[index]
        weights = self.model.coef_[0]
        if self._names is None:
            self._names = self.vectorizer.get_feature_names_out()
        names = self._names
        pulls = sorted(
            (
                (float(value * weights[column]), str(names[column]))
                for column, value in zip(row.indices, row.data, strict=True)
            ),
            reverse=True,
        )
        words = tuple(word for pull, word in pulls[:TOP_REASONS] if pull > 0)
        return Relevance(score, words, words)
