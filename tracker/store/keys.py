"""Citation keys: kept as the source wrote them where possible, made when missing.

Keys must be unique in a library (a study's key is its earliest record's key) and safe in
every format that carries them (BibTeX forbids spaces, commas and braces in keys).
"""

from __future__ import annotations

import re

from tracker.entry import Entry
from tracker.textkeys import fold

_UNSAFE = re.compile(r"[\s,{}()\"#%~=\\]+")
_STOP_WORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "and", "for", "to", "der", "die", "das", "le", "la", "les", "el", "los"}
)


def safe_key(key: str) -> str:
    """The key without characters BibTeX cannot carry in a key."""
    return _UNSAFE.sub("-", key.strip()).strip("-")


def generated_key(entry: Entry) -> str:
    """`family` + `year` + first significant title word, ASCII: `miller2020integration`."""
    first = entry.authors[0] if entry.authors else None
    name = ""
    if first is not None:
        name = first.family or first.literal
    words = [w for w in fold(entry.fields.get("title", "")).split() if w not in _STOP_WORDS]
    title_part = "".join(words[:1] if name else words[:2])  # no author: two title words
    folded_name = fold(name).replace(" ", "")
    key = f"{folded_name[:20]}{entry.fields.get('year', '')}{title_part[:24]}"
    key = "".join(c for c in key if c.isascii() and c.isalnum())
    return key or "untitled"
