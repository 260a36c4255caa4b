"""A curator's edit of a study's fields: checked and put in the shape records have.

`mipex-tracker edit KEY title="..." author="Kogan, Irena and Shen, Jing"` writes what
the curator typed; this module turns it into the values a record would hold (names split,
keywords a list, a DOI bare and lower-case) and refuses what no record could hold, so an
edit never makes a study that exports badly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, process

from tracker.entry import CANONICAL_FIELDS, ENTRY_TYPES
from tracker.ingest.names import name_from_text
from tracker.ingest.normalise import collapse_whitespace, normalise_doi
from tracker.store.views import EDITED_TYPE

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_YEAR = re.compile(r"^\d{4}$")
#: Fields an edit cannot set: `ids` is derived from the study's records.
RESERVED = frozenset({"ids"})
#: Fields an edit may add to any study: the canonical ones, people, the type, and the
#: other fields of BibTeX and biblatex that readers know. Any other name must already be a
#: field of the study (or be confirmed with `--new-field`): a typo (`yaer`) would otherwise
#: be stored and exported for good.
KNOWN_FIELDS = (
    frozenset(CANONICAL_FIELDS)
    | {"author", "editor", EDITED_TYPE, "mipex-summary"}
    | frozenset(
        [
            "subtitle",
            "titleaddon",
            "origtitle",
            "shorttitle",
            "booktitle",
            "journaltitle",
            "eventtitle",
            "eventdate",
            "venue",
            "organization",
            "school",
            "address",
            "location",
            "month",
            "day",
            "eprint",
            "eprinttype",
            "archiveprefix",
            "howpublished",
            "chapter",
            "part",
            "type",
            "version",
            "pubstate",
            "addendum",
            "annotation",
            "translator",
            "urldate",
            "isrn",
            "pmid",
            "pmcid",
        ]
    )
)


def unknown_fields(names: Iterable[str], present: Iterable[str]) -> list[tuple[str, str | None]]:
    """The names no study may take without confirmation, each with the nearest known one."""
    known = KNOWN_FIELDS | set(present)
    found = []
    for name in names:
        if name not in known:
            near = process.extractOne(name, sorted(known), scorer=fuzz.ratio, score_cutoff=60)
            found.append((name, near[0] if near else None))
    return found


class EditError(ValueError):
    """A value a study cannot take; the message says which and why."""


def edit_values(changes: Mapping[str, str | None]) -> dict[str, Any]:
    """Check and shape a curator's changes (None or "" removes a field)."""
    values: dict[str, Any] = {}
    for raw_name, raw_value in changes.items():
        name = raw_name.strip().lower()
        if not _FIELD_NAME.match(name) or name in RESERVED:
            raise EditError(f"{raw_name!r} is not a field an edit can set")
        value = collapse_whitespace(raw_value).strip() if raw_value else ""
        values[name] = _shaped(name, value)
    return values


def _shaped(name: str, value: str) -> Any:
    if not value:
        return None if name != EDITED_TYPE else _refuse(name, value)
    if name == EDITED_TYPE:
        return value if value in ENTRY_TYPES else _refuse(name, value, f"one of {', '.join(ENTRY_TYPES)}")
    if name in ("author", "editor"):
        return [name_from_text(person).to_json() for person in re.split(r"\s+and\s+", value) if person.strip()]
    if name == "keywords":
        return [word.strip() for word in value.split(";") if word.strip()]
    if name == "year":
        return value if _YEAR.match(value) else _refuse(name, value, "four digits")
    if name == "doi":
        return normalise_doi(value)
    return value


def _refuse(name: str, value: str, expected: str = "a value") -> Any:
    raise EditError(f"{name}={value!r}: expected {expected}")
