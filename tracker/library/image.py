"""The text image of a library: `bib/`, what goes into git and what rebuilds the store.

- `bib/library.bib`: every study, in key order, fields in a fixed order (small diffs);
- `bib/sources/<sha256-prefix>.<ext>`: each imported file, byte for byte, written once;
- `bib/imports.json`: the imports in order (path, hash, format, encoding, time), which a
  rebuild replays to get the same records, keys, failures and provenance;
- `bib/decisions.json`: merges, splits, review answers, edits and curators' tags,
  replayed after the imports they followed, and the review queue (see `tracker.store.decisions`);
- `bib/tags.json`: the tagger's proposals with their evidence (see `tracker.tagging.store`);
- `bib/scores/`: MIPEX scores, tidy CSV with their sources (see `tracker.scores.store`).

Every file is staged beside the store and renamed into place once the store has committed
(`tracker.store.journal`), so a crash leaves the old image or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.config import LibraryPaths
from tracker.digest.image import digest_files, write_digest_files
from tracker.models import Meta, Source
from tracker.scores.store import write_score_files
from tracker.store.decisions import write_decisions_file
from tracker.store.files import read_image_json
from tracker.store.journal import ImageChange
from tracker.store.rendered import rendered_bibtex
from tracker.tagging.image import write_tags_file

_EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csljson": "json", "abstracts": "txt"}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One import as the manifest records it."""

    seq: int
    path: str
    sha256: str
    format: str
    encoding: str
    encoding_guessed: bool
    imported_at: str
    file: str  # relative to bib/


def source_file_name(sha256: str, fmt: str) -> str:
    return f"sources/{sha256[:16]}.{_EXTENSIONS.get(fmt, 'txt')}"


#: Where a command puts further files of `bib/` to be written with its change (see `also_write`).
_EXTRA_FILES = "mipex-tracker: extra image files"


def also_write(session: Session, files: dict[Path, bytes]) -> None:
    """Have the session's change write these files of `bib/` too, in the same unit as the
    store's commit (a published digest's Markdown and e-mail): staged with the rest, so a
    failure before the commit writes none of them and a crash after it loses none."""
    session.info.setdefault(_EXTRA_FILES, {}).update(files)


def stage_source_files(paths: LibraryPaths, change: ImageChange, files: Iterable[tuple[str, str, bytes]]) -> None:
    """Stage imported files (sha256, format, bytes) for bib/sources/ from the bytes in
    hand, so the image never has to read them back from the store."""
    for sha256, fmt, data in files:
        target = paths.bib / source_file_name(sha256, fmt)
        if not change.will_exist(target):
            change.write(target, data)


def write_image(session: Session, paths: LibraryPaths, change: ImageChange) -> None:
    """Stage all of `bib/` as the session's (flushed, not yet committed) state has it:
    sources, the manifest, decisions, tags, scores, digests and library.bib. Files whose
    content does not change are left alone."""
    manifest: list[dict] = []
    rows = session.exec(
        select(
            Source.id,
            Source.seq,
            Source.path,
            Source.sha256,
            Source.format,
            Source.encoding,
            Source.encoding_guessed,
            Source.imported_at,
        ).order_by(col(Source.seq))
    ).all()
    for _id, seq, path, sha256, fmt, encoding, guessed, imported_at in rows:
        name = source_file_name(sha256, fmt)
        target = paths.bib / name
        if not change.will_exist(target):
            content = session.exec(select(Source.content).where(Source.id == _id)).one()
            change.write(target, zlib.decompress(content))
        manifest.append(
            {
                "seq": seq,
                "path": path,
                "sha256": sha256,
                "format": fmt,
                "encoding": encoding,
                "encoding_guessed": guessed,
                "imported_at": imported_at,
                "file": name,
            }
        )
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    change.write(paths.manifest, text.encode())
    write_decisions_file(session, paths, change)
    write_tags_file(session, paths, change)
    write_score_files(session, paths.scores, change)
    write_digest_files(session, paths.bib, change)
    for target, data in session.info.pop(_EXTRA_FILES, {}).items():
        change.write(target, data)
    entries = rendered_bibtex(session)
    pieces = ((("\n" if index else "") + text).encode() for index, text in enumerate(entries))
    change.write(paths.library_bib, pieces)


#: Meta row: size, time and hash of `bib/library.bib` as the tracker last wrote it.
LIBRARY_BIB_STAMP = "library_bib"
#: Where a hand-edited `bib/library.bib` is kept when the tracker writes it again.
HAND_EDITED = "library.bib.hand-edited"


def library_bib_stamp(paths: LibraryPaths) -> str:
    """`size:mtime:sha256` of bib/library.bib ("" when there is none)."""
    if not paths.library_bib.exists():
        return ""
    stat = paths.library_bib.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}:{hashlib.sha256(paths.library_bib.read_bytes()).hexdigest()}"


def hand_edited(session: Session, paths: LibraryPaths) -> bool:
    """True when bib/library.bib is not what the tracker last wrote: someone edited it by
    hand (the tracker never reads it back: it is written from the store)."""
    row = session.get(Meta, LIBRARY_BIB_STAMP)
    if row is None or not row.value or not paths.library_bib.exists():
        return False
    size, mtime, sha = row.value.split(":")
    stat = paths.library_bib.stat()
    if stat.st_size == int(size) and stat.st_mtime_ns == int(mtime):
        return False
    return hashlib.sha256(paths.library_bib.read_bytes()).hexdigest() != sha


def image_digest(paths: LibraryPaths) -> str:
    """A digest of what a rebuild reads from `bib/` (the manifest and the decisions;
    library.bib is derived), so a store can tell that `bib/` changed outside the tracker."""
    if not paths.manifest.exists():
        return ""
    digest = hashlib.sha256(paths.manifest.read_bytes())
    parts = [paths.decisions, paths.tags, paths.scores / "scores.csv", paths.scores / "indicators.csv"]
    for part in [*parts, *digest_files(paths.bib)]:
        if part.exists():
            digest.update(b"\0" + part.read_bytes())
    return digest.hexdigest()


def stored_image_digest(session: Session) -> str | None:
    """The digest of `bib/` as this store last wrote it."""
    row = session.get(Meta, "image_digest")
    return row.value if row else None


def read_manifest(paths: LibraryPaths) -> list[ManifestEntry]:
    """The imports recorded in `bib/imports.json`, in order ([] when there is none)."""
    if not paths.manifest.exists():
        return []
    data = read_image_json(paths.manifest)
    return sorted((ManifestEntry(**item) for item in data), key=lambda m: m.seq)


def has_image(paths: LibraryPaths) -> bool:
    """True when `bib/` holds something a store can be rebuilt from."""
    return paths.manifest.exists() or paths.library_bib.exists() or (paths.scores / "scores.csv").exists()
