"""A study page's schema.org metadata (JSON-LD): what kind of work it is, who wrote it,
where it appeared, where its page is — as search engines and Zotero's JSON-LD reader read it."""

from __future__ import annotations

import json
from typing import Any

from tracker.entry import Name
from tracker.safety import doi_url
from tracker.store.views import StudyView

#: schema.org types by entry type (what Google Scholar and Zotero's JSON-LD reader expect).
_SCHEMA_TYPES = {
    "article": "ScholarlyArticle",
    "book": "Book",
    "chapter": "Chapter",
    "conference": "ScholarlyArticle",
    "report": "Report",
    "thesis": "Thesis",
    "dataset": "Dataset",
    "webpage": "WebPage",
}
#: What a container is, by entry type: a journal, a book, proceedings.
_CONTAINER_TYPES = {"article": "Periodical", "chapter": "Book", "conference": "Book"}


def _schema_person(name: Name) -> dict[str, str]:
    """A name as schema.org reads one: an organisation whole, a person by parts."""
    if name.literal:
        return {"@type": "Organization", "name": name.literal}
    person = {"@type": "Person", "name": name.display_form()}
    family = " ".join(p for p in (name.particle, name.family) if p)
    if family:
        person["familyName"] = family
    if name.given:
        person["givenName"] = name.given
    return person


def json_ld(view: StudyView, url: str) -> str:
    """schema.org metadata of the study, safe inside a <script> data block; `url` is the
    page's address (absolute with the site's base URL, else relative to the page itself).

    No `abstract`: the page shows it and `citation_abstract` gives it to Zotero and Google
    Scholar; a third copy (schema.org's property is still "pending") was 9 MB of a
    10,000-study site."""
    fields = view.fields
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPES.get(view.entry_type, "CreativeWork"),
        "name": fields.get("title", ""),
        "author": [_schema_person(n) for n in view.authors],
        "datePublished": fields.get("date") or fields.get("year", ""),
        "url": url,
    }
    if view.editors:
        data["editor"] = [_schema_person(n) for n in view.editors]
    if fields.get("container"):
        data["isPartOf"] = {"@type": _CONTAINER_TYPES.get(view.entry_type, "CreativeWork"), "name": fields["container"]}
    for field_name, key in (("publisher", "publisher"), ("institution", "sourceOrganization")):
        if fields.get(field_name):
            data[key] = {"@type": "Organization", "name": fields[field_name]}
    if doi_url(fields.get("doi")):
        data["sameAs"] = doi_url(fields.get("doi"))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # read by machines
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # inert in <script>
