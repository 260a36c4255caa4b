"""Digest issues in the store: drafted from the studies added in a period, edited, published
(frozen), revised. Session-level functions; `tracker.library.Library` wraps them in
transactions and writes the text image.

A draft names its studies by record keys, so merges and splits after drafting still find
them. Published issues are frozen: `published` holds every text the issue showed (titles,
authors, summaries, links, the standing texts), and nothing is read from the library when
a published issue is shown again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from tracker.digest.summaries import draft_summary, sentence_problem
from tracker.models import CURATOR, Digest, Study
from tracker.scores import AREAS
from tracker.screening import INCLUDED, UNDECIDED
from tracker.store.decisions import studies_of
from tracker.store.views import StudyView, first_imports, load_views
from tracker.vocab import load_vocabulary

SUMMARY_FIELD = "mipex-summary"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The order a curator groups a digest in: the index as a whole, then the strands.
AREA_ORDER = ("overall", *(a for a in AREAS if a != "overall"))
DRAFT, MISSING = "draft", "missing"  # and CURATOR: a summary a curator wrote or accepted


#: How a key (a study's or any of its records') finds its study's key: `Library.find_study_key`.
FindStudyKey = Callable[[Session, str], str | None]


class DigestError(ValueError):
    """A digest command that cannot be done; the message says why in one line."""


@dataclass(slots=True)
class Entry:
    """One study of an issue as the issue shows it."""

    key: str
    title: str
    authors: str
    year: str
    venue: str
    doi: str
    url: str
    areas: list[str]
    countries: list[str]
    summary: str
    summary_state: str  # curator | draft | missing
    problem: str | None = None  # why the summary does not fit, if it does not

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(**data)


@dataclass(slots=True)
class Issue:
    month: str
    title: str
    intro: str
    closing: str
    status: str
    created_at: str
    published_at: str
    entries: list[Entry]
    revisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def revision(self) -> int:
        return len(self.revisions)

    @property
    def to_write(self) -> list[Entry]:
        return [e for e in self.entries if e.summary_state == MISSING]

    @property
    def drafts(self) -> list[Entry]:
        return [e for e in self.entries if e.summary_state == DRAFT]


def check_month(month: str) -> str:
    if not _MONTH.match(month):
        raise DigestError(f"{month!r} is not a month: write it as YYYY-MM, e.g. 2026-11")
    return month


def check_title(title: str | None) -> str | None:
    """A title is one line: it heads the page and is the e-mail's subject."""
    if title is not None and (not title.strip() or any(c in title for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")):
        raise DigestError("--title: write the title as one line of text")
    return title


def check_date(value: str | None, option: str) -> str | None:
    if value is not None and not _DATE.match(value):
        raise DigestError(f"{option} {value!r}: write a date as YYYY-MM-DD")
    return value


def find_digest(session: Session, month: str) -> Digest:
    digest = session.exec(select(Digest).where(Digest.month == check_month(month))).first()
    if digest is None:
        months = ", ".join(session.exec(select(Digest.month).order_by(col(Digest.month))).all()) or "none yet"
        raise DigestError(f"no digest for {month} (digests: {months}); start one with `digest new {month}`")
    return digest


def _draft_only(digest: Digest) -> None:
    if digest.status == "published":
        raise DigestError(
            f"the {digest.month} digest is published and frozen; correct it with `digest revise {digest.month}`"
        )


# -- choosing and ordering studies ------------------------------------------------------------


def studies_in_digests(session: Session) -> dict[int, str]:
    """study id -> the month of the digest it is in."""
    found: dict[int, str] = {}
    for digest in session.exec(select(Digest)):
        for study_id in studies_of(session, digest.entries).values():
            found.setdefault(study_id, digest.month)
    return found


def curator_order(views: list[StudyView]) -> list[StudyView]:
    """By policy area (the first of the study's areas in MIPEX's order; untagged last),
    then newest first, then by title."""

    def area_rank(view: StudyView) -> int:
        ranks = [AREA_ORDER.index(a) for a in view.tags.get("area", {}) if a in AREA_ORDER]
        return min(ranks, default=len(AREA_ORDER))

    by_title = sorted(views, key=lambda v: (str(v.fields.get("title", "")).lower(), v.key))
    return sorted(by_title, key=lambda v: (area_rank(v), -int(str(v.fields.get("year", "0"))[:4] or 0)))


@dataclass(frozen=True, slots=True)
class Proposal:
    """What `digest new` would draft: the studies it proposes, and the studies of the same
    window that it leaves out because screening has not included them (yet)."""

    keys: list[str]
    not_included: int
    waiting: int  # of which undecided: screening them may add them


def proposal(session: Session, since: str | None, until: str | None) -> Proposal:
    """The studies added in [since, until) that no digest holds and that use MIPEX
    (screened in), in curator order; and how many of that window are left out."""
    taken_ids = list(studies_in_digests(session))
    taken = set(session.exec(select(Study.key).where(col(Study.id).in_(taken_ids))).all()) if taken_ids else set()
    keys = [
        key
        for key, when in first_imports(session).items()
        if key not in taken and (since is None or when >= since) and (until is None or when < until)
    ]
    views = load_views(session, keys=keys) if keys else []
    included = [v for v in views if v.screening.status == INCLUDED]
    waiting = sum(1 for v in views if v.screening.status == UNDECIDED)
    return Proposal([v.key for v in curator_order(included)], len(views) - len(included), waiting)


def propose_entries(session: Session, since: str | None, until: str | None) -> list[str]:
    """The keys `proposal` proposes."""
    return proposal(session, since, until).keys


def last_published(session: Session) -> Digest | None:
    query = select(Digest).where(Digest.status == "published").order_by(col(Digest.published_at).desc())
    return session.exec(query).first()


# -- editing a draft ------------------------------------------------------------------------------


def _study_record_keys(session: Session, keys: list[str], find_study_key: FindStudyKey) -> list[str]:
    found = []
    for key in keys:
        study_key = find_study_key(session, key)
        if study_key is None:
            raise DigestError(f"no study with key {key!r} (see `mipex-tracker export` for the keys)")
        found.append(study_key)
    return found


def add_entries(session: Session, digest: Digest, keys: list[str], find_study_key: FindStudyKey) -> list[str]:
    """Add studies at the end of a draft; a study already in a digest is refused."""
    _draft_only(digest)
    wanted = _study_record_keys(session, keys, find_study_key)
    elsewhere = studies_in_digests(session)
    ids = studies_of(session, wanted)
    for key in wanted:
        if ids[key] in elsewhere:
            raise DigestError(f"{key} is already in the {elsewhere[ids[key]]} digest")
    digest.entries = [*digest.entries, *dict.fromkeys(wanted)]
    return wanted


def _position(session: Session, digest: Digest, key: str, find_study_key: FindStudyKey) -> int:
    study_key = _study_record_keys(session, [key], find_study_key)[0]
    ids = studies_of(session, [*digest.entries, study_key])
    for index, entry in enumerate(digest.entries):
        if ids.get(entry) == ids[study_key]:
            return index
    raise DigestError(f"{key} is not in the {digest.month} digest")


def remove_entries(session: Session, digest: Digest, keys: list[str], find_study_key: FindStudyKey) -> None:
    _draft_only(digest)
    entries = list(digest.entries)
    for index in sorted({_position(session, digest, k, find_study_key) for k in keys}, reverse=True):
        del entries[index]
    digest.entries = entries


def move_entry(session: Session, digest: Digest, key: str, to: int, find_study_key: FindStudyKey) -> None:
    """Move a study to position `to` (1 is the first)."""
    _draft_only(digest)
    if not 1 <= to <= len(digest.entries):
        raise DigestError(f"--to {to}: the {digest.month} digest has positions 1 to {len(digest.entries)}")
    entries = list(digest.entries)
    moved = entries.pop(_position(session, digest, key, find_study_key))
    entries.insert(to - 1, moved)
    digest.entries = entries


# -- showing --------------------------------------------------------------------------------------


def summary_of(view: StudyView) -> tuple[str, str]:
    """(summary, state): a curator's summary, else a draft from the abstract, else missing."""
    written = str(view.fields.get(SUMMARY_FIELD, "")).strip()
    if written:
        return written, CURATOR
    draft = draft_summary(str(view.fields.get("abstract", "")))
    return (draft, DRAFT) if draft else ("", MISSING)


def summary_problem(summary: str) -> str | None:
    """Why a summary cannot go into an issue as it is, or None."""
    return sentence_problem(summary) if summary else "no summary and no abstract to draft one from"


def _people(view: StudyView) -> str:
    names = [
        f"{n.given} {' '.join(p for p in (n.particle, n.family) if p)}".strip() if not n.literal else n.literal
        for n in view.authors
        if n.literal != "others"
    ]
    return ", ".join(names[:6]) + (" et al." if len(names) > 6 else "")


def entry_of(view: StudyView, labels: dict[str, dict[str, str]]) -> Entry:
    summary, state = summary_of(view)
    return Entry(
        key=view.key,
        title=str(view.fields.get("title", view.key)),
        authors=_people(view),
        year=str(view.fields.get("year", "")),
        venue=str(view.fields.get("container", "")),
        doi=str(view.fields.get("doi", "")),
        url=str(view.fields.get("url", "")),
        areas=[labels["area"].get(a, a) for a in AREA_ORDER if a in view.tags.get("area", {})],
        countries=sorted(labels["country"].get(c, c) for c in view.tags.get("country", {})),
        summary=summary,
        summary_state=state,
        problem=summary_problem(summary),
    )


def _labels() -> dict[str, dict[str, str]]:
    return {facet: {c: t.label for c, t in load_vocabulary(facet).terms.items()} for facet in ("area", "country")}


def issue_of(session: Session, digest: Digest) -> Issue:
    """The issue as it reads now: a draft from the library, a published one as frozen."""
    if digest.status != "published":
        return _from_library(session, digest)
    frozen = digest.published
    return Issue(
        month=digest.month,
        title=frozen["title"],
        intro=frozen["intro"],
        closing=frozen["closing"],
        status=digest.status,
        created_at=digest.created_at,
        published_at=digest.published_at,
        entries=[Entry.from_dict(e) for e in frozen["entries"]],
        revisions=list(digest.revisions),
    )


def _from_library(session: Session, digest: Digest) -> Issue:
    """The issue's entries as the library holds its studies now (a draft, or a revision)."""
    ids = studies_of(session, digest.entries)
    study_keys = dict(session.exec(select(Study.id, Study.key).where(col(Study.id).in_(list(ids.values())))).all())
    views = {v.key: v for v in load_views(session, keys=list(study_keys.values()))} if study_keys else {}
    labels = _labels()
    entries = [entry_of(views[study_keys[ids[k]]], labels) for k in digest.entries if ids.get(k) in study_keys]
    return Issue(
        month=digest.month,
        title=digest.title,
        intro=digest.intro,
        closing=digest.closing,
        status=digest.status,
        created_at=digest.created_at,
        published_at=digest.published_at,
        entries=entries,
        revisions=list(digest.revisions),
    )


# -- publishing -----------------------------------------------------------------------------------


def _some_keys(entries: list[Entry], shown: int = 5) -> str:
    """The first keys, and how many more: a refusal stays one readable line."""
    keys = ", ".join(e.key for e in entries[:shown])
    return keys + (f" and {len(entries) - shown} more" if len(entries) > shown else "")


def freeze(session: Session, digest: Digest, allow_drafts: bool) -> dict[str, Any]:
    """The issue as it will be published, from the library now; refuses what a reader must
    not see."""
    issue = _from_library(session, digest)
    if not issue.entries:
        raise DigestError(f"the {digest.month} digest has no studies: `digest add {digest.month} KEY...` first")
    if issue.to_write:
        keys = _some_keys(issue.to_write)
        raise DigestError(f"no summary for {keys}: write one with `digest summary KEY --edit` (or remove the study)")
    if issue.drafts and not allow_drafts:
        keys = _some_keys(issue.drafts)
        raise DigestError(
            f"draft summaries for {keys}: accept or rewrite them (`digest summary KEY --accept|--edit`), "
            "or publish with --allow-drafts"
        )
    misfits = [e for e in issue.entries if e.problem]
    if misfits:
        entry = misfits[0]
        raise DigestError(
            f"the summary of {entry.key} has {entry.problem}: rewrite it with `digest summary {entry.key} --edit`"
        )
    return {
        "title": issue.title,
        "intro": issue.intro,
        "closing": issue.closing,
        "entries": [asdict(e) for e in issue.entries],
    }


def publish(session: Session, digest: Digest, allow_drafts: bool, now: str) -> None:
    _draft_only(digest)
    digest.published = freeze(session, digest, allow_drafts)
    digest.status = "published"
    digest.published_at = now
    digest.revisions = [{"revision": 1, "at": now, "reason": "published"}]


def revise(session: Session, digest: Digest, reason: str, allow_drafts: bool, now: str) -> None:
    """A recorded correction: the issue is frozen again from the library as it is now."""
    if digest.status != "published":
        raise DigestError(f"the {digest.month} digest is a draft: change it directly, then `digest publish`")
    if not reason.strip():
        raise DigestError('say why the issue is revised: --reason "..."')
    digest.published = freeze(session, digest, allow_drafts)
    digest.revisions = [*digest.revisions, {"revision": len(digest.revisions) + 1, "at": now, "reason": reason}]


def counts_by_state(issue: Issue) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for entry in issue.entries:
        found[entry.summary_state] += 1
    return dict(found)
