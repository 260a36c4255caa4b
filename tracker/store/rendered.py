"""Each study's entry as `bib/library.bib` writes it, kept rendered in the store.

Rendering a study costs far more than reading its text back, and most commands change a
few studies of a large library; so the rendered entry is a cache on the study, refreshed
by whatever changes the study, and the text image only streams the cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from tracker.db import in_code_point_order
from tracker.export import bibtex_entry
from tracker.models import Study
from tracker.store.views import load_views


def rendered_bibtex(session: Session, page: int = 2000) -> Iterator[str]:
    """Every study's cached BibTeX entry, in key order (rendered now where missing)."""
    ordered = in_code_point_order(col(Study.key), session.get_bind().dialect.name)
    last: str | None = None
    while True:
        query = select(Study.id, Study.key, Study.bibtex).order_by(ordered).limit(page)
        if last is not None:
            query = query.where(ordered > last)
        rows = session.exec(query).all()
        if not rows:
            return
        missing = [key for _, key, text in rows if text is None]
        fresh = {v.key: bibtex_entry(v) for v in load_views(session, keys=missing)} if missing else {}
        for _, key, text in rows:
            yield text if text is not None else fresh.get(key, "")
        last = rows[-1][1]


def refresh_rendered(session: Session, study_ids: Iterable[int]) -> None:
    """Render again the cached entries of studies whose records changed."""
    ids = list(set(study_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        keys = list(session.exec(select(Study.key).where(col(Study.id).in_(chunk))))
        rendered = [{"k": v.key, "text": bibtex_entry(v)} for v in load_views(session, keys=keys)]
        if rendered:
            session.connection().execute(
                update(Study.__table__).where(Study.__table__.c.key == bindparam("k")).values(bibtex=bindparam("text")),
                rendered,
            )
