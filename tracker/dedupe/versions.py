"""Preprints and working papers: recognising a record that is an early version of a work.

Migration research circulates for years as SSRN, arXiv or SocArXiv preprints and as
university or institute working papers (IZA, NBER, COMPAS) before a journal publishes it.
Both versions get cited and both turn up in exports, so deduplication must see them as
one study and the study must show the published version's fields. This module only says
*whether* a record is such a version, and of what kind, from what its fields show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: DOI prefixes of preprint servers and working-paper series (prefix -> what to call it).
PREPRINT_DOI_PREFIXES = {
    "10.2139": "SSRN",
    "10.48550": "arXiv",
    "10.31235": "SocArXiv",
    "10.31219": "OSF Preprints",
    "10.31234": "PsyArXiv",
    "10.35542": "EdArXiv",
    "10.33774": "Cambridge Open Engage",
    "10.1101": "bioRxiv/medRxiv",
    "10.20944": "Preprints.org",
    "10.21203": "Research Square",
    "10.3386": "NBER working paper",
}

#: Words in a venue, series, publisher or note that make a record an early version.
_TEXT_SIGNALS = [
    (re.compile(r"\bssrn\b|social science research network", re.I), "SSRN"),
    (re.compile(r"\barxiv\b", re.I), "arXiv"),
    (re.compile(r"\bsocarxiv\b", re.I), "SocArXiv"),
    (re.compile(r"\bpsyarxiv\b", re.I), "PsyArXiv"),
    (re.compile(r"\bosf preprints?\b|\bosf\.io\b", re.I), "OSF Preprints"),
    (re.compile(r"\bresearch ?square\b", re.I), "Research Square"),
    (re.compile(r"\bworking ?papers?\b|\bwp\s*(series|no)\b", re.I), "working paper"),
    (re.compile(r"\bdiscussion ?papers?\b|\biza dp\b", re.I), "discussion paper"),
    (re.compile(r"\bpre-?print\b", re.I), "preprint"),
]
#: All the signals in one pattern: most values have none, and one search says so.
_ANY_SIGNAL = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _TEXT_SIGNALS), re.I)
_SIGNAL_FIELDS = ("container", "series", "howpublished", "publisher", "institution", "type", "note", "url")


def preprint_label(entry_type: str, fields: Mapping[str, Any]) -> str:
    """What kind of early version a record is ("SSRN", "working paper", ...), or "" for
    a published work. `fields` are canonical (see `tracker.entry`). An article in a journal
    is never a working paper, whatever its note says, so the text signals are read only
    where a version would be named."""
    doi = str(fields.get("doi") or "").lower()
    prefix = doi.split("/", 1)[0]
    if prefix in PREPRINT_DOI_PREFIXES:
        return PREPRINT_DOI_PREFIXES[prefix]
    if str(fields.get("archiveprefix") or fields.get("eprinttype") or "").lower() == "arxiv":
        return "arXiv"
    kind = entry_type.lower()
    if kind == "article" and fields.get("container"):
        journal = str(fields["container"])
        return _signal(journal)
    for name in _SIGNAL_FIELDS:
        value = fields.get(name)
        if value and (label := _signal(str(value))):
            return label
    if kind in ("manuscript", "unpublished"):
        return "preprint"
    return ""


def _signal(text: str) -> str:
    """The kind of early version a venue or series names, or ""."""
    if not _ANY_SIGNAL.search(text):
        return ""
    return next((label for pattern, label in _TEXT_SIGNALS if pattern.search(text)), "")
