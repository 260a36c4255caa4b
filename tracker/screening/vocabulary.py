"""The screening vocabulary (`tracker/vocab/screening.toml`): the names of MIPEX that
include a study on their own, the reasons for exclusion, and the rules of the queue's start.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tracker.phrases import PhraseMatcher
from tracker.screening import OTHER, Screening
from tracker.vocab import LANGUAGES, VocabularyError, refuse_inner_stars, vocabulary_file


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a study is excluded: a code, its words, and the key that answers it in `screen`."""

    code: str
    label: str
    key: str


@cache
def screening_vocabulary() -> dict[str, Any]:
    """`tracker/vocab/screening.toml`, read once."""
    path = vocabulary_file("screening")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise VocabularyError(f"{path}: {error}") from error


@cache
def reasons() -> dict[str, Reason]:
    """The reasons for exclusion, in the file's order."""
    table = screening_vocabulary().get("reasons", {})
    return {code: Reason(code, str(item["label"]), str(item["key"])) for code, item in table.items()}


def phrases_of(section: dict[str, Any], name: str) -> list[str]:
    """A section's phrases in every language the tracker reads (`name`: the section's, for
    the message that refuses a phrase this file cannot hold)."""
    found = [str(p) for language in LANGUAGES for p in section.get(language, []) if str(p).strip()]
    refuse_inner_stars(found, f"{vocabulary_file('screening')}: [{name}]", inflected=False)
    return found


@cache
def _evidence_matcher() -> PhraseMatcher:
    return PhraseMatcher((phrase, "mipex") for phrase in phrases_of(screening_vocabulary()["evidence"], "evidence"))


def mipex_evidence(texts: Iterable[str]) -> tuple[str, ...]:
    """The phrases naming MIPEX in these texts (a study's titles, abstracts, keywords), as
    written, each once, in the order found."""
    found: dict[str, None] = {}
    matcher = _evidence_matcher()
    for text in texts:
        if text:
            found.update(dict.fromkeys(match.text for match in matcher.find(text)))
    return tuple(found)


def parse_reason(text: str) -> tuple[str, str]:
    """A curator's `--reason`: a code ("no_mipex"), its answer key ("m"), its words, or any
    other words, which become reason `other` with those words as the note."""
    wanted = text.strip()
    folded = wanted.lower()
    for reason in reasons().values():
        if folded in (reason.code, reason.key, reason.label.lower()):
            return reason.code, ""
    code, _, note = wanted.partition(":")
    if code.strip().lower() in reasons():
        return code.strip().lower(), note.strip()
    return OTHER, wanted


def reason_label(screening: Screening) -> str:
    """A study's reason for exclusion in words ("" when it has none)."""
    if not screening.reason:
        return ""
    known = reasons().get(screening.reason)
    label = known.label if known else screening.reason
    return f"{label}: {screening.note}" if screening.note else label
