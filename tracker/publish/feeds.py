"""Atom feeds and the sitemap, written as XML with the standard library (escaped, stable).

Entries are dated by when their study joined the evidence, so a rebuild gives the same
bytes. Links are absolute when the site's base URL is known (`--base-url`, or `base_url` in
`bib/site.toml`); otherwise relative to the feed's own address, which is what a feed reader
resolves them against ("../studies/x/index.html" from feeds/), and the ids are URNs
(Atom's ids must be absolute IRIs; a path is not one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tracker.publish import urls
from tracker.store.views import StudyView

FEED_SIZE = 50


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    link: str  # relative to the site root
    updated: str  # ISO 8601, UTC
    authors: Sequence[str] = ()
    summary: str = ""


def atom(title: str, feed_path: str, entries: Sequence[FeedEntry], base: str) -> str:
    """Entries (newest first, as given) as an Atom 1.0 feed."""
    updated = max((e.updated for e in entries), default="") or "1970-01-01T00:00:00Z"

    def address(path: str) -> str:
        return base + path if base else urls.link(path, feed_path)

    def identity(path: str) -> str:
        return base + path if base else f"urn:mipex-tracker:{path}"

    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(identity(feed_path))}</id>",
        f'<link rel="self" href={quoteattr(address(feed_path))}/>',
        f"<updated>{escape(updated)}</updated>",
        "<author><name>MIPEX Evidence Tracker</name></author>",
    ]
    for entry in entries:
        lines += [
            "<entry>",
            f"<title>{escape(entry.title)}</title>",
            f"<id>{escape(identity(entry.link))}</id>",
            f"<link href={quoteattr(address(entry.link))}/>",
            f"<updated>{escape(entry.updated or updated)}</updated>",
            "".join(f"<author><name>{escape(name)}</name></author>" for name in entry.authors),
            f"<summary>{escape(entry.summary)}</summary>" if entry.summary else "",
            "</entry>",
        ]
    lines.append("</feed>")
    return "\n".join(line for line in lines if line) + "\n"


def atom_feed(title: str, feed_path: str, studies: Sequence[StudyView], added: dict[str, str], base: str) -> str:
    """The newest studies (by first import) as an Atom 1.0 feed."""
    newest = sorted(studies, key=lambda v: (added.get(v.key, ""), v.key), reverse=True)[:FEED_SIZE]
    entries = [
        FeedEntry(
            title=str(view.fields.get("title", view.key)),
            link=urls.page("study", view.key),
            updated=added.get(view.key, ""),
            authors=[n.sort_form() for n in view.authors[:10]],
            summary=str(view.fields.get("abstract", ""))[:1000],
        )
        for view in newest
    ]
    return atom(title, feed_path, entries, base)


def sitemap(base: str, pages: Sequence[str]) -> str:
    """sitemap.xml of every page (absolute URLs: needs the site's base URL)."""
    urls = "".join(f"<url><loc>{escape(base + page)}</loc></url>\n" for page in sorted(pages))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    )
