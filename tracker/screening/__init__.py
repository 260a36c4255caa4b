"""Screening: does a study use MIPEX? Its status, the evidence that decides it alone, and
the reasons a curator gives for leaving a study out.

A study is `included` (it uses MIPEX, or integration policy as a whole), `excluded` (with
a reason from `tracker/vocab/screening.toml`, read by `tracker.screening.vocabulary`) or
`undecided`. The tracker includes a study on its own only on evidence a curator would
accept without reading further — the index named in its title, abstract or keywords — and
never excludes one: everything else waits for a curator, in the order the queue
(`tracker.screening.queue`) proposes. A curator's answer is a
logged decision that no automatic step undoes (see `tracker.store.screening`).
"""

from __future__ import annotations

from dataclasses import dataclass

INCLUDED, EXCLUDED, UNDECIDED = "included", "excluded", "undecided"
STATUSES = (INCLUDED, EXCLUDED, UNDECIDED)
OTHER = "other"
#: The decision a curator's answer is logged as (see `tracker.store.decisions`).
SCREEN = "screen"


@dataclass(frozen=True, slots=True)
class Screening:
    """A study's screening status, whose it is (`auto` on evidence, `curator`, or nobody's
    yet) and why: the phrases found, or the curator's reason."""

    status: str = UNDECIDED
    origin: str = ""
    reason: str = ""  # a reason code (excluded by a curator)
    note: str = ""  # the curator's own words (reason `other`, or a remark)
    evidence: tuple[str, ...] = ()  # phrases naming MIPEX (included automatically)
    made_at: str = ""
