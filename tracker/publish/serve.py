"""A local preview of the built site: the standard library's HTTP server on localhost only."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log on the terminal: the preview is for looking, not for reading logs."""


def preview_server(directory: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1 (port 0 picks a free one); call serve_forever()."""
    handler = functools.partial(_Quiet, directory=str(directory))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
