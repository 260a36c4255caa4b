"""Characters no store can hold, replaced before an entry is stored, and reported.

A JSON escape can carry a lone surrogate (`"\\ud800"`), which no UTF-8 encoder writes, and
any text can carry a NUL byte, which PostgreSQL refuses in text: either one failed the
whole import with a driver's traceback. Each becomes U+FFFD (the replacement character),
and the entry gets a warning naming what was replaced; the rest of its text is kept.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tracker.entry import Entry, Name

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _clean(value: Any, found: list[str]) -> Any:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            found.extend(_UNSTORABLE.findall(value))
            return _UNSTORABLE.sub(REPLACEMENT, value)
        return value
    if isinstance(value, list):
        return [_clean(item, found) for item in value]
    if isinstance(value, dict):
        return {_clean(k, found): _clean(v, found) for k, v in value.items()}
    return value


def _clean_name(name: Name, found: list[str]) -> Name:
    return Name(**{part: _clean(getattr(name, part), found) for part in Name.__dataclass_fields__})


def storable(entry: Entry) -> Entry:
    """The entry with every character a store cannot hold replaced (the same entry when
    there is none, the usual case)."""
    found: list[str] = []
    cleaned = replace(
        entry,
        key=_clean(entry.key, found),
        fields=_clean(entry.fields, found),
        authors=[_clean_name(n, found) for n in entry.authors],
        editors=[_clean_name(n, found) for n in entry.editors],
        raw=_clean(entry.raw, found),
        error=_clean(entry.error, found),
    )
    if not found:
        return entry
    kinds = sorted({"NUL byte" if c == "\x00" else "unpaired surrogate (a broken \\u escape)" for c in found})
    cleaned.warnings = [*entry.warnings, f"{len(found)} x {' and '.join(kinds)} replaced by U+FFFD"]
    return cleaned
