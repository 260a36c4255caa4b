"""One file per search-index part holding what the search page fetches from it before any
query: Pagefind's entry, its metadata and every filter chunk (the search page's facets need
all of them at once).

Why: each request costs the browser a few milliseconds of its own time whatever its size
(3-4 ms in Chromium on the 2-core bench machine, with Python's server, nginx or HTTP/2
alike), and opening the search page asked for 7 files of every part, 112 at 10,000 studies.
The search page's workers (`templates/assets/search-worker.js`) fetch one pack per part and
answer Pagefind's own requests for those files from it; a file missing from a pack, or a
part without one, is fetched as before. The files stay beside the pack, so the part is still
a whole Pagefind index.

Layout: a 4-byte big-endian length, that many bytes of JSON (`{"files": [[path, length],
...]}`, paths relative to the part's folder), then the files' bytes in that order.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from tracker.store.files import write_atomically

START_PACK = "start.pack"


def start_files(part: Path) -> list[Path]:
    """The files of a part that the search page needs before any query, in a stable order:
    its entry, metadata, filters and Pagefind's WebAssembly engine (fetched after the
    metadata otherwise: one more round trip before the first results)."""
    entry = [part / "pagefind-entry.json"] if (part / "pagefind-entry.json").is_file() else []
    wasm = sorted(part.glob("wasm.*.pagefind"))
    return entry + sorted(part.glob("pagefind.*.pf_meta")) + sorted((part / "filter").glob("*.pf_filter")) + wasm


def write_start_pack(part: Path) -> None:
    """Write (or rewrite) the part's pack from its files."""
    files = [(path.relative_to(part).as_posix(), path.read_bytes()) for path in start_files(part)]
    header = json.dumps({"files": [[name, len(data)] for name, data in files]}, separators=(",", ":")).encode()
    write_atomically(part / START_PACK, struct.pack(">I", len(header)) + header + b"".join(data for _, data in files))


def read_start_pack(pack: bytes) -> dict[str, bytes]:
    """The files a pack holds, by path relative to its part (the search page reads packs the
    same way, in JavaScript; this is for tests and for looking inside one)."""
    (size,) = struct.unpack(">I", pack[:4])
    offset, files = 4 + size, {}
    for name, length in json.loads(pack[4 : 4 + size])["files"]:
        files[name] = pack[offset : offset + length]
        offset += length
    return files
