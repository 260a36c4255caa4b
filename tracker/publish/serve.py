"""A local preview of the built site: the standard library's HTTP server on localhost only."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar


class _Quiet(SimpleHTTPRequestHandler):
    #: The cite and download files by what they are, so a reference manager's browser
    #: connector takes a `.ris` as RIS (not `application/octet-stream`), a `.bib` as BibTeX.
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".ris": "application/x-research-info-systems",
        ".bib": "application/x-bibtex; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".atom": "application/atom+xml",
        ".zip": "application/zip",
    }

    def log_message(self, format: str, *args: object) -> None:
        """No request log on the terminal: the preview is for looking, not for reading logs."""


def preview_server(directory: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1 (port 0 picks a free one); call serve_forever()."""
    handler = functools.partial(_Quiet, directory=str(directory))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
