"""Writing files so that a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import filecmp
import json
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def current_umask() -> int:
    """The process's umask (reading it means setting it: done once, when first needed)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` (bytes, or pieces of it) in one rename; a file whose
    content would not change is left alone (its time stamp too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists() and filecmp.cmp(temporary, path, shallow=False):
            Path(temporary).unlink()
            return
        Path(temporary).chmod(0o666 & ~current_umask())  # mkstemp makes 0600; bib/ is for sharing
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ImageFileError(ValueError):
    """A file of `bib/` that cannot be read back; the message names it and what to do."""


_CONFLICT = ("<<<<<<< ", "=======", ">>>>>>> ")


def read_image_text(path: Path) -> str:
    """The text of a file of `bib/`, refused with what to do when a git merge left its
    conflict markers in it (they would otherwise be read as data, or fail as bad JSON)."""
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(_CONFLICT) and (line.startswith("=======") is False or line.strip() == "======="):
            raise ImageFileError(
                f"{path}:{number}: a git merge left a conflict here ({line.strip()[:20]!r}): resolve it "
                "(keep what both sides added), delete the markers, and run the command again"
            )
    return text


def read_image_json(path: Path) -> Any:
    """A JSON file of `bib/` (see `read_image_text`); bad JSON named with file and line."""
    text = read_image_text(path)
    try:
        return json.loads(text)
    except ValueError as error:
        where = f":{error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        raise ImageFileError(f"{path}{where}: not a file the tracker wrote ({error}): restore it from git") from error
