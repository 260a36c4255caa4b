"""Abstracts pasted apart from their references (a UTF-8 text or Markdown file).

The exact form, as the README documents it::

    Title of the first study
    Its abstract, one or more lines or paragraphs.
    ---
    # Title of the second study
    Its abstract.

Items are separated by a line holding only `---` (three or more dashes). In each item the
first non-blank line is the title (a leading Markdown `#` is dropped) and the rest is the
abstract. The importer attaches each abstract to the record with the same title, or keeps
it as a new record (see `tracker.store.records`).
"""

from __future__ import annotations

import re

from tracker.entry import Entry

_SEPARATOR = re.compile(r"^\s*-{3,}\s*$")
_HEADING = re.compile(r"^\s*#+\s*")


def read_abstracts(text: str) -> list[Entry]:
    """One `Entry` of kind `abstract` per item; an item with no abstract fails."""
    entries: list[Entry] = []
    item: list[tuple[int, str]] = []

    def close() -> None:
        lines = [(n, line) for n, line in item if line.strip()]
        if not lines:
            return
        first_line, title_line = lines[0]
        raw = "\n".join(line for _, line in item).strip("\n")
        entry = Entry(key=None, kind="abstract", line=first_line, raw=raw)
        title = _HEADING.sub("", title_line).strip()
        abstract = " ".join(line.strip() for _, line in lines[1:])
        if not abstract:
            entry.error = f"no abstract under the title {title[:60]!r}: put the abstract on the lines after the title"
        else:
            entry.fields = {"title": title, "abstract": abstract}
        entries.append(entry)

    for number, line in enumerate(text.splitlines(), start=1):
        if _SEPARATOR.match(line):
            close()
            item = []
        else:
            item.append((number, line))
    close()
    return entries
