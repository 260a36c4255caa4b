"""Writing files so that a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _umask() -> int:
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
        Path(temporary).chmod(0o666 & ~_umask())  # mkstemp makes 0600; bib/ is for sharing
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
