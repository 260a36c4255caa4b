"""The labelled duplicate sets of ../shared/data/dedup, read the way a curator's import reads them.

The four benchmark sets of literature searches (stroke, haematology, cytology,
digital-work) carry each record as the BibTeX its database exported; they are read here
by the tracker's own BibTeX reader and turned into match records by the same function
`dedupe` uses on a store, so the figures are those a curator would get. scopus-wos holds
parsed fields and is read field by field. Used by the accuracy benchmark and by the
training script of the pair model; nothing of the sets is copied into the project.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from tracker.dedupe import MatchRecord
from tracker.dedupe.store import match_record
from tracker.entry import Name
from tracker.ingest.bibtex import read_bibtex
from tracker.ingest.bibtex_steps import split_multiple_persons_names
from tracker.ingest.latex import latex_to_text
from tracker.ingest.names import name_from_text
from tracker.ingest.normalise import normalise_doi

DEDUP = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedup"
#: The sets of real exports, in the order the table prints them.
REAL_SETS = ("scopus-wos", "stroke", "haematology", "cytology", "digital-work")


@dataclass(slots=True)
class LabelledSet:
    """Records in input order, the true work of each, and (for the peer) the rows as exported."""

    name: str
    records: list[MatchRecord]
    works: list[str]
    peer_rows: list[dict]

    def true_pairs(self) -> set[frozenset[str]]:
        return pairs_of(self.groups())

    def groups(self) -> list[list[str]]:
        by_work: dict[str, list[str]] = defaultdict(list)
        for record, work in zip(self.records, self.works, strict=True):
            by_work[work].append(record.id)
        return list(by_work.values())


def pairs_of(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    """Every pair of ids that share a group."""
    return {frozenset(p) for group in groups for p in combinations(sorted(group), 2)}


def available(name: str) -> bool:
    return (DEDUP / name / "records.jsonl").exists()


def load(name: str) -> LabelledSet:
    """One set by its folder name."""
    lines = (DEDUP / name / "records.jsonl").read_text(encoding="utf-8").splitlines()
    data = [json.loads(line) for line in lines if line.strip()]
    if "bibtex" in data[0]:
        return _from_bibtex(name, data)
    records = [_from_fields(d, d["id"]) for d in data]
    rows = [_peer_row(r) for r in records]
    return LabelledSet(name, records, [d["cluster"] for d in data], rows)


def _from_bibtex(name: str, data: list[dict]) -> LabelledSet:
    entries = {entry.key: entry for entry in read_bibtex("\n\n".join(d["bibtex"] for d in data))}
    records, works, rows = [], [], []
    for d in data:
        entry = entries.get(d["id"])
        if entry is None or entry.failed:
            raise SystemExit(f"{name}: {d['id']} did not import: {entry.error if entry else 'missing'}")
        records.append(match_record(d["id"], entry.entry_type, entry.fields, [n.to_json() for n in entry.authors]))
        works.append(d["cluster"])
        row = {k: v for k, v in d["source_fields"].items() if isinstance(v, str)}
        row["ID"] = d["id"]
        rows.append(row)
    return LabelledSet(name, records, works, rows)


def _names(value: object) -> list[Name]:
    """Authors as scopus-wos writes them: a list, `A and B` (BibTeX) or `B. Abrahao; P. Parigi`."""
    if isinstance(value, list):
        raw = [str(v) for v in value]
    elif " and " in str(value):
        raw = split_multiple_persons_names(str(value))
    else:
        raw = [v.strip() for v in str(value or "").split(";") if v.strip()]
    names = []
    for written in raw:
        text = latex_to_text(written)
        if "," not in text and len(text.split()) > 1:  # `B. Abrahao`: given names first
            *given, family = text.split()
            names.append(Name(family=family, given=" ".join(given)))
        else:
            names.append(name_from_text(text))
    return names


def _from_fields(data: dict, identifier: str) -> MatchRecord:
    def text(*names: str) -> str:
        return next((latex_to_text(str(data[n])) for n in names if data.get(n)), "")

    return MatchRecord(
        id=identifier,
        title=text("title"),
        authors=_names(data.get("authors") or data.get("author") or ""),
        year=text("year")[:4],
        container=text("journal", "booktitle", "container_title"),
        volume=text("volume"),
        number=text("number"),
        pages=text("pages"),
        doi=normalise_doi(text("doi")) if text("doi") else "",
        entry_type=str(data.get("ENTRYTYPE", "article")),
    )


def from_fields(data: dict, identifier: str) -> MatchRecord:
    """A match record from loose fields (the hand-labelled pairs, the generated set)."""
    return _from_fields(data, identifier)


def _peer_row(record: MatchRecord) -> dict:
    """A record as BibDedupe's data frame wants it."""
    return {
        "ID": record.id,
        "ENTRYTYPE": record.entry_type,
        "title": record.title,
        "year": record.year,
        "journal": record.container,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "doi": record.doi,
        "author": " and ".join(f"{n.family}, {n.given}" if not n.literal else n.literal for n in record.authors),
    }
