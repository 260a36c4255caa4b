"""What a store can hold, checked before an entry is stored, and reported.

A JSON escape can carry a lone surrogate (`"\\ud800"`), which no UTF-8 encoder writes, and
any text can carry a NUL byte, which PostgreSQL refuses in text: either one failed the
whole import with a driver's traceback. Each becomes U+FFFD (the replacement character),
and the entry gets a warning naming what was replaced; the rest of its text is kept.

A field of more than `MOST_FIELD_CHARACTERS` is not bibliographic data (a whole book pasted
into an abstract, or a hostile file): every later step holds a few copies of each field, so
one 31 MB abstract cost a build a gigabyte of memory. Such an entry fails with the reason,
its text kept like any entry that could not be read; the other entries import.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tracker.entry import Entry, Name

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"
#: The most characters one field may hold (a list's items together): a long abstract is
#: some thousands, a pasted article a few hundred thousand, and a 10 MB field still imports
#: (bench/hostile_sizes.py times one); past this a build would need about a gigabyte.
MOST_FIELD_CHARACTERS = 16_000_000
#: An entry's whole text may hold a field at the limit and a megabyte of others; a longer one
#: is refused before it is parsed (bibtexparser's splitter holds a dozen copies of a block).
MOST_ENTRY_CHARACTERS = MOST_FIELD_CHARACTERS + 1_000_000


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(_size(item) for item in value)
    return len(str(value))


def oversized(name: str, value: Any) -> str | None:
    """Why a field is too long to read (None when it is not)."""
    size = _size(value)
    if size <= MOST_FIELD_CHARACTERS:
        return None
    return (
        f"field {name!r} holds {size:,} characters, more than the {MOST_FIELD_CHARACTERS:,} a field may"
        " (a whole document pasted?): the entry is kept as text, not read"
    )


def entry_too_long(size: int) -> str | None:
    """Why an entry's text is too long to parse (None when it is not)."""
    if size <= MOST_ENTRY_CHARACTERS:
        return None
    return (
        f"the entry holds {size:,} characters, more than the {MOST_ENTRY_CHARACTERS:,} an entry may"
        f" (a field may hold {MOST_FIELD_CHARACTERS:,}: a whole document pasted?): it is kept as text, not read"
    )


def _too_long(entry: Entry) -> str | None:
    for name, value in entry.fields.items():
        if reason := oversized(name, value):
            return reason
    for role, names in (("author", entry.authors), ("editor", entry.editors)):
        if reason := oversized(role, [str(part) for n in names for part in (n.family, n.given, n.literal)]):
            return reason
    return oversized("key", entry.key or "")


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
    there is none, the usual case); a failed entry, its text kept, when a field is too long."""
    if not entry.failed and (reason := _too_long(entry)):
        entry = replace(entry, fields={}, authors=[], editors=[], error=reason)  # its kind and text stay
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
