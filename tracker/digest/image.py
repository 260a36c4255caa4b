"""Digests in the text image: `bib/digests/<YYYY-MM>.json` per issue (draft or published),
read back when the store is rebuilt, so a fresh clone reproduces every digest. The
Markdown and e-mail of a published issue are written beside it by `publish`/`revise`."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.models import Digest
from tracker.store.files import read_image_json
from tracker.store.journal import ImageChange

_FIELDS = (
    "month",
    "title",
    "intro",
    "closing",
    "created_at",
    "period",
    "entries",
    "status",
    "published_at",
    "revisions",
    "published",
)


def digests_folder(bib: Path) -> Path:
    return bib / "digests"


def write_digest_files(session: Session, bib: Path, change: ImageChange) -> None:
    """One JSON file per issue; the file of a draft that was dropped goes with it."""
    folder = digests_folder(bib)
    months = set()
    for digest in session.exec(select(Digest).order_by(col(Digest.month))):
        months.add(digest.month)
        data = {name: getattr(digest, name) for name in _FIELDS}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        change.write(folder / f"{digest.month}.json", text.encode())  # (untouched when unchanged)
    for path in digest_files(bib):
        if path.stem not in months:
            change.remove(path)


def digest_files(bib: Path) -> list[Path]:
    folder = digests_folder(bib)
    return sorted(folder.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9].json")) if folder.exists() else []


def restore_digests(session: Session, bib: Path) -> None:
    """Digest rows from `bib/digests/*.json` (after the studies they name are back)."""
    for path in digest_files(bib):
        try:
            data = read_image_json(path)
            session.add(Digest(**{name: data[name] for name in _FIELDS}))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a digest file the tracker wrote ({error})") from error
