"""The project's own bibtexparser middlewares: what the library leaves undone on real files.

Measured on real exports (see the shared corpus README), bibtexparser v2's default stack
drops entries with duplicate keys or fields, leaves `#` concatenation, undefined macros
and `month = jan` unresolved, has no `crossref` inheritance, treats a bare `%` as a
comment, and decodes names either before splitting (breaking `{Delgado de Molina}`) or
not at all. Each class here fixes one of those, in the order `PARSE_STACK` gives.

Every step works in place on the library the splitter made (they are only ever used in
our own parse stack) and records what it noticed under `WARNINGS` in an entry's parser
metadata, so the reader can report it with the entry's file and line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import lru_cache

from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import LibraryMiddleware
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ParsingFailedBlock,
    String,
)

from tracker.entry import BRACED_FIELD, MOST_BRACED, VERBATIM_FIELDS, Name
from tracker.ingest.latex import latex_to_text, verbatim_value
from tracker.ingest.storable import oversized
from tracker.keyspace import KeySpace

WARNINGS = "mipex_warnings"
NAME_FIELDS = ("author", "editor")

#: BibTeX's predefined month macros, as BibTeX itself expands them.
MONTH_MACROS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

#: Fields a biblatex child takes from its parent under another name.
CROSSREF_RENAMES = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
#: Field names that all say "the container"; a child holding one has them all.
CONTAINER_FIELDS = frozenset({"booktitle", "journal", "journaltitle"})
#: Fields never inherited: they identify the parent, not the child.
NOT_INHERITED = frozenset({"ids", "crossref", "xdata", "xref", "entryset", "label", "shorthand"})


def warn(block: Block, message: str) -> None:
    """Attach a warning to a block, to be reported with its file and line."""
    block.parser_metadata.setdefault(WARNINGS, []).append(message)


def line_of(block: Block) -> int:
    """1-based line of a block (bibtexparser counts from 0)."""
    return (block.start_line or 0) + 1


class _InPlaceStep(LibraryMiddleware):
    """A step that changes the splitter's library in place (ours is never shared)."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    @staticmethod
    def entries(library: Library) -> Iterator[Entry]:
        return (b for b in library.blocks if isinstance(b, Entry))


#: The key given to an entry written without one, so that bibtexparser keeps each such
#: entry apart; it is never stored (the store makes a key from author, year and title).
NO_KEY = "\x00no key"


class RecoverDuplicates(_InPlaceStep):
    """Keep entries bibtexparser rejects for a duplicate key or a duplicate field.

    A later entry with a key already used gets a new key (`key-2`), reported; an entry
    with the same field twice (also differing only by case: `Title` and `title`) keeps
    its first value and reports the conflict. Field names become lower case here.
    `used_keys` is shared across the chunks of one file.
    """

    def __init__(self, used_keys: KeySpace | None = None) -> None:
        super().__init__()
        self.used_keys = used_keys if used_keys is not None else KeySpace()

    def transform(self, library: Library) -> Library:
        blocks: list[Block] = []
        used_keys = self.used_keys
        for block in library.blocks:
            entry = self._recovered_entry(block)
            if entry is None:
                if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, String):
                    blocks.append(block.ignore_error_block)  # a later @string wins, as in BibTeX
                else:
                    blocks.append(block)
                continue
            self._lowercase_fields(entry)
            if not entry.key.strip():  # no key at all: a placeholder here, the store makes one
                entry.key = used_keys.take(NO_KEY)
                blocks.append(entry)
                continue
            if entry.key in used_keys:
                new_key = used_keys.free(entry.key)
                warn(entry, f"duplicate key {entry.key!r}: this later entry is stored as {new_key!r}")
                entry.key = new_key
            used_keys.add(entry.key)
            blocks.append(entry)
        return Library(blocks=blocks, fail_on_duplicate_key=False)

    @staticmethod
    def _recovered_entry(block: Block) -> Entry | None:
        if isinstance(block, Entry):
            return block
        if isinstance(block, (DuplicateFieldKeyBlock, DuplicateBlockKeyBlock)) and isinstance(
            block.ignore_error_block, Entry
        ):
            return block.ignore_error_block
        return None

    @staticmethod
    def _lowercase_fields(entry: Entry) -> None:
        kept: dict[str, Field] = {}
        for field in entry.fields:
            name = field.key.lower()
            if name in kept:
                warn(
                    entry,
                    f"field {name!r} appears twice (line {field.start_line + 1}): "
                    f"kept the first value; the other is kept in the raw text",
                )
                continue
            field.key = name
            kept[name] = field
        entry.fields = list(kept.values())


_TOKEN = re.compile(r"\s*(#)?\s*")


def part_end(text: str, start: int) -> int:
    """Index of what closes the `{` or `"` at `start` (or the end of the text).

    Braces nest, a backslash escapes the next character, and inside quotes a `"` within
    braces is text.
    """
    closing = "}" if text[start] == "{" else '"'
    depth, index = 0, start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == closing and depth == 0:
            return index
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        index += 1
    return len(text)


def split_concatenation(raw: str) -> list[tuple[str, str]]:
    """Split a raw BibTeX value into its `#`-joined parts.

    Returns (kind, text) pairs, kind being `braced`, `quoted` or `bare` (a number or a
    macro name). Braces nest; a quoted part may hold braced `"`.
    """
    if "#" not in raw:  # the common case, decided without a scan: one part
        stripped = raw.strip()
        if stripped[:1] == "{" and stripped[-1:] == "}":
            return [("braced", stripped[1:-1])]
        if stripped[:1] == '"' and stripped[-1:] == '"' and len(stripped) > 1:
            return [("quoted", stripped[1:-1])]
    parts: list[tuple[str, str]] = []
    index, length = 0, len(raw)
    while index < length:
        while index < length and raw[index] in " \t\r\n#":
            index += 1
        if index >= length:
            break
        char = raw[index]
        if char in '{"':
            end = part_end(raw, index)
            parts.append(("braced" if char == "{" else "quoted", raw[index + 1 : end]))
            index = end + 1
        else:
            start = index
            while index < length and raw[index] not in " \t\r\n#":
                index += 1
            parts.append(("bare", raw[start:index]))
    return parts


#: The most text macros may add to one value: a `@string` that doubles itself forty times
#: (a "macro bomb") would need a terabyte; beyond this the entry fails, the rest imports.
#: Text written in the file itself is not counted here (a 10 MB abstract is read whole; the
#: limit on a field's own length is `tracker.ingest.storable.MOST_FIELD_CHARACTERS`).
MAX_EXPANSION = 1_000_000


class MacroBudgetError(ValueError):
    """A value whose macros expand beyond `MAX_EXPANSION` characters."""


class OversizedFieldError(ValueError):
    """A field longer than `tracker.ingest.storable.MOST_FIELD_CHARACTERS`."""


class RefuseOversizedFields(_InPlaceStep):
    """Fail an entry with a field too long to be bibliographic data before any step copies
    it (resolving, decoding LaTeX): its text is kept, the rest of the file reads on. The
    same limit holds for every reader (`storable`); here it also spares the import the
    copies those steps would make of a 31 MB abstract."""

    def transform(self, library: Library) -> Library:
        for entry in list(self.entries(library)):
            reason = next((r for f in entry.fields if (r := oversized(f.key, f.value))), None)
            if reason:
                failed = ParsingFailedBlock(OversizedFieldError(reason), start_line=entry.start_line, raw=entry.raw)
                library.replace(entry, failed, fail_on_duplicate_key=False)
        return library


class ResolveValues(_InPlaceStep):
    """Resolve `@string` macros, month macros and `#` concatenation; remove enclosing.

    An undefined macro is kept as the word it is, and reported (BibTeX would print a
    warning and drop it; we never drop text). `macros` is shared across the chunks of one
    file, so a macro defined at the top serves the whole file. Expansion has a budget: a
    macro that would grow beyond `MAX_EXPANSION` characters is not expanded, and an entry
    that uses one fails with the reason, its text kept.
    """

    def __init__(self, macros: dict[str, str] | None = None, oversized: set[str] | None = None) -> None:
        super().__init__()
        self.macros = macros if macros is not None else dict(MONTH_MACROS)
        self.oversized = oversized if oversized is not None else set()

    def transform(self, library: Library) -> Library:
        macros = self.macros
        for block in library.blocks:
            if isinstance(block, String):
                name = block.key.lower()
                try:
                    macros[name] = self._resolve(block.value, block, block.key)
                    self.oversized.discard(name)
                except MacroBudgetError:
                    macros.pop(name, None)
                    self.oversized.add(name)
        for entry in list(self.entries(library)):
            try:
                for field in entry.fields:
                    if isinstance(field.value, str):
                        field.value = self._resolve(field.value, entry, field.key)
            except MacroBudgetError as error:
                failed = ParsingFailedBlock(error, start_line=entry.start_line, raw=entry.raw)
                library.replace(entry, failed, fail_on_duplicate_key=False)
        return library

    def _resolve(self, raw: str, block: Block, field_name: str) -> str:
        pieces = []
        length = 0
        for kind, text in split_concatenation(raw):
            name = text.lower()
            if kind == "bare" and name in self.oversized:
                raise MacroBudgetError(
                    f"field {field_name!r} uses the macro {text!r}, which expands beyond "
                    f"{MAX_EXPANSION:,} characters (a macro bomb?): the entry is kept as text, not read"
                )
            if kind != "bare" or text.isdigit():
                piece = text  # text the file holds: as long as the file, never a bomb
            elif name in self.macros:
                piece = self.macros[name]
                length += len(piece)
                if length > MAX_EXPANSION:
                    raise MacroBudgetError(
                        f"field {field_name!r}: its macros expand beyond {MAX_EXPANSION:,} characters"
                    )
            else:
                warn(block, f"undefined macro {text!r} in field {field_name!r}: kept as text")
                piece = text
            pieces.append(piece)
        return "".join(pieces)


class InheritCrossref(_InPlaceStep):
    """biblatex `crossref` and `xdata` inheritance within one file; cycles reported.

    A child takes every field it lacks from its parent (a parent's `title` becomes the
    child's `booktitle`), parents first, so cascades work; a cycle or a missing parent is
    reported and inheritance stops there.
    """

    def transform(self, library: Library) -> Library:
        by_key = {e.key.lower(): e for e in self.entries(library)}
        done: set[str] = set()
        for entry in self.entries(library):
            self._inherit(entry, by_key, done)
        return library

    def _parents(self, entry: Entry, by_key: dict[str, Entry]) -> Iterator[tuple[Entry, str]]:
        """The entries `entry` inherits from, in order, with the link that names each; an
        unknown key is reported."""
        fields = entry.fields_dict
        for link in ("crossref", "xdata"):
            if link not in fields or not isinstance(fields[link].value, str):
                continue
            for parent_key in (k.strip() for k in fields[link].value.split(",") if k.strip()):
                parent = by_key.get(parent_key.lower())
                if parent is None:
                    warn(entry, f"{link} to unknown key {parent_key!r}: nothing inherited")
                else:
                    yield parent, link

    def _inherit(self, root: Entry, by_key: dict[str, Entry], done: set[str]) -> None:
        """Complete `root`'s ancestors before `root`, parents first, without recursion: a
        chain of ten thousand `crossref` links is a file, not a crash."""
        if root.key.lower() in done:
            return
        path: list[Entry] = [root]
        on_path = {root.key.lower()}
        links: list[str] = [""]  # the link by which each entry of the path was reached
        parents = [self._parents(root, by_key)]
        while parents:
            entry = path[-1]
            found = next(parents[-1], None)
            if found is not None:
                parent, link = found
                key = parent.key.lower()
                if key in done:
                    self._copy_missing(parent, entry, rename=link == "crossref")
                elif key in on_path:
                    start = next(i for i, e in enumerate(path) if e.key.lower() == key)
                    cycle = " -> ".join([*(e.key for e in path[start:]), parent.key])
                    warn(entry, f"crossref cycle {cycle}: inheritance stopped")
                else:
                    path.append(parent)
                    on_path.add(key)
                    links.append(link)
                    parents.append(self._parents(parent, by_key))
                continue
            parents.pop()
            path.pop()
            on_path.discard(entry.key.lower())
            done.add(entry.key.lower())
            link = links.pop()
            if path:  # the entry below inherits from this one, now complete
                self._copy_missing(entry, path[-1], rename=link == "crossref")

    @staticmethod
    def _copy_missing(parent: Entry, child: Entry, *, rename: bool) -> None:
        present = {f.key for f in child.fields}
        if present & CONTAINER_FIELDS:  # a child with a journal needs no booktitle
            present |= CONTAINER_FIELDS
        for field in parent.fields:
            if field.key in NOT_INHERITED:
                continue
            name = CROSSREF_RENAMES.get(field.key, field.key) if rename else field.key
            if name not in present:
                child.fields.append(Field(name, field.value, field.start_line))
                present.add(name)


def _is_one_braced_group(text: str) -> bool:
    """`{Migration Policy Group}`: the whole name is one brace group (a corporate name).
    Escaped braces (`\\{`, `\\}`) are text, not grouping."""
    return text.startswith("{") and part_end(text, 0) == len(text) - 1


def _name_from_parts(raw_name: str) -> Name:
    parts = parse_single_name_into_parts(raw_name, strict=True)

    def decode(words: list[str]) -> str:
        return latex_to_text(" ".join(words)).strip()

    return Name(
        family=decode(parts.last),
        given=decode(parts.first),
        particle=decode(parts.von),
        suffix=decode(parts.jr),
    )


def parse_name(raw_name: str, entry: Entry) -> list[Name]:
    """One BibTeX name to `Name` parts, decoded per part after splitting.

    Returns a list because a malformed name ("Doe, J., Roe, K.") may really be two.
    Authors recur across a library, so results are cached by the name as written.
    """
    names, messages = _parse_name_cached(raw_name.strip())
    for message in messages:
        warn(entry, message)
    return [Name(n.family, n.given, n.particle, n.suffix, n.literal) for n in names]


@lru_cache(maxsize=131072)
def _parse_name_cached(text: str) -> tuple[tuple[Name, ...], tuple[str, ...]]:
    collected = _Collector()
    names = _parse_name(text, collected)
    return tuple(names), tuple(collected.messages)


class _Collector:
    """Stands in for an entry while a name is parsed, to collect its warnings."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.parser_metadata: dict = {}


def _parse_name(text: str, entry: _Collector) -> list[Name]:
    if _is_one_braced_group(text) or text.lower() == "others":
        return [Name(literal=latex_to_text(text).strip() if text.lower() != "others" else "others")]
    try:
        return [_name_from_parts(text)]
    except InvalidNameError:
        pass
    stripped = text.rstrip(", ")
    if stripped != text:
        try:
            return [_name_from_parts(stripped)]
        except InvalidNameError:
            pass
    pieces = [p.strip() for p in stripped.split(",")]
    if len(pieces) % 2 == 0 and all(pieces):
        names = []
        for family, given in zip(pieces[0::2], pieces[1::2], strict=True):
            names.append(Name(family=latex_to_text(family).strip(), given=latex_to_text(given).strip()))
        entry.messages.append(f"name {text!r} read as {len(names)} names separated by commas")
        return names
    entry.messages.append(f"name {text!r} could not be split into parts: kept as written")
    return [Name(literal=latex_to_text(text).strip())]


class SplitNames(_InPlaceStep):
    """Split `author` and `editor` into names first, then decode each part.

    Decoding before splitting breaks brace-protected names; decoding after keeps
    `{Migration Policy Group}` as one corporate author and turns `{\\"U}nal` into `Ünal`.
    """

    def transform(self, library: Library) -> Library:
        for entry in self.entries(library):
            for field in entry.fields:
                if field.key in NAME_FIELDS and isinstance(field.value, str):
                    names: list[Name] = []
                    for raw_name in split_multiple_persons_names(field.value):
                        names.extend(parse_name(raw_name, entry))
                    field.value = names
        return library


def braced_phrases(value: str) -> list[str]:
    """The phrases of a title that its source protected with braces, decoded: `{Europe}`,
    `{European Union}`, `{MIPEX}`. Not markup in braces (`{\\"U}nal`, `{\\em ...}`), and not
    the whole title in braces (a habit of some exporters, which says nothing of its words).
    At most `MOST_BRACED` (the writer looks each up in the title)."""
    phrases: list[str] = []
    index = 0
    while len(phrases) < MOST_BRACED and (start := value.find("{", index)) != -1:
        if start and value[start - 1] == "\\":  # an escaped brace is text
            index = start + 1
            continue
        end = part_end(value, start)
        index = end + 1
        inner = value[start + 1 : end]
        if inner.startswith("\\") or (start == 0 and end >= len(value.rstrip()) - 1):
            continue
        phrase = latex_to_text(inner).strip()
        if any(char.isalpha() for char in phrase) and phrase not in phrases:
            phrases.append(phrase)
    return phrases


class DecodeLatex(_InPlaceStep):
    """LaTeX to Unicode for every text field; URLs and DOIs kept verbatim. The phrases of
    the title its source braced are kept beside it (BRACED_FIELD)."""

    def transform(self, library: Library) -> Library:
        for entry in self.entries(library):
            braced: list[str] = []
            for field in entry.fields:
                if not isinstance(field.value, str):
                    continue
                if field.key in VERBATIM_FIELDS:
                    field.value = verbatim_value(field.value)
                    continue
                if field.key == "title" and "{" in field.value:
                    braced = braced_phrases(field.value)
                field.value = latex_to_text(field.value)
            if braced:
                entry.set_field(Field(BRACED_FIELD, braced))
        return library


@dataclasses.dataclass
class FileState:
    """What the steps remember from one chunk of a file to the next."""

    used_keys: KeySpace = dataclasses.field(default_factory=KeySpace)
    macros: dict[str, str] = dataclasses.field(default_factory=lambda: dict(MONTH_MACROS))
    oversized_macros: set[str] = dataclasses.field(default_factory=set)


def parse_stack(state: FileState | None = None) -> list[LibraryMiddleware]:
    """The middlewares the BibTeX reader runs after bibtexparser's splitter, in order."""
    state = state or FileState()
    return [
        RecoverDuplicates(state.used_keys),
        RefuseOversizedFields(),
        ResolveValues(state.macros, state.oversized_macros),
        InheritCrossref(),
        SplitNames(),
        DecodeLatex(),
    ]
