"""What keeps hostile input harmless on the site, decided in one place.

- Keys become slugs of `a-z0-9-` (with a digest when anything was changed), so no key
  becomes a path outside `site/` ("../../etc" is a slug like any other);
- only http(s) URLs and DOIs become links: `javascript:`, `data:` and the rest stay text;
- every page carries a Content-Security-Policy that allows nothing from elsewhere and no
  inline script (only the search's own WebAssembly); the templates are autoescaped as well.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, urlsplit

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
MAX_SLUG = 80


_DIGEST_SUFFIX = re.compile(r"-[0-9a-f]{8}$")


def slug(key: str) -> str:
    """A key as a folder name: ASCII letters (their case kept, so `Roach2019` reads as
    written), digits and hyphens; a short digest is added whenever the key had to change,
    so two keys never share a slug. A key that already ends like a digest
    (`smith2020-7f9837a3`) gets one too: otherwise it could take the slug of another key
    (`smith2020!`) and its page."""
    cleaned = _SLUG_UNSAFE.sub("-", key).strip("-")[:MAX_SLUG] or "study"
    if cleaned == key and not _DIGEST_SUFFIX.search(key):
        return cleaned
    return f"{cleaned}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def safe_url(value: object) -> str | None:
    """The URL if it is a plain http(s) link to a host; None otherwise."""
    text = str(value or "").strip()
    if not text or any(c in text for c in "\r\n\t<>\"'` "):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def doi_url(doi: object) -> str | None:
    """https://doi.org/<doi> for a DOI-shaped value (10.x/...)."""
    text = str(doi or "").strip()
    if not re.match(r"^10\.\d{4,9}/\S+$", text):
        return None
    return "https://doi.org/" + quote(text, safe="/:;()._-")


def best_link(doi: object, url: object) -> str:
    """The link a work is shown with: its DOI, else its web address if it is safe, else ""."""
    return doi_url(doi) or safe_url(url) or ""
