"""Match keys kept in the store, so an incremental `dedupe` reads only what it needs.

After an import of a thousand records into a library of a hundred thousand, reading and
folding every record again to compare the new ones would cost the whole library's time.
Each record's keys (`tracker.dedupe.match.stored_keys`: DOI, title end, first author and
year, title words) are stored once, when a run first sees the record; a later run looks
up the records that share a key with a new record — and, for each new title, those that
hold its three rarest words, counted over the library at the time of asking — and
compares the new records with those alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from tracker.db import in_chunks
from tracker.dedupe.match import Prepared, own_keys, rarest_words, stored_keys
from tracker.models import MatchKey, Meta

#: Records up to this `seq` have their keys in the store.
KEYED_THROUGH = "match_keys_through"
#: Bump when `stored_keys` changes: the keys are then computed again.
KEYS_VERSION = "2"  # 2: the title's beginning and year
_KEYS_VERSION_NAME = "match_keys_version"
_BATCH = 5000


def keyed_through(session: Session) -> int:
    """The `seq` through which records have their keys stored (0 when the keys are of an
    older definition: they are dropped and computed again)."""
    version = session.get(Meta, _KEYS_VERSION_NAME)
    if version is None or version.value != KEYS_VERSION:
        session.connection().execute(MatchKey.__table__.delete())
        session.merge(Meta(name=_KEYS_VERSION_NAME, value=KEYS_VERSION))
        session.merge(Meta(name=KEYED_THROUGH, value="0"))
        return 0
    row = session.get(Meta, KEYED_THROUGH)
    return int(row.value) if row else 0


def store_keys(session: Session, records: Iterable[tuple[int, Prepared]], through: int) -> None:
    """Keep the keys of `records` (record id, prepared record); all records up to `through`
    now have theirs."""
    batch: list[dict[str, object]] = []
    for record_id, item in records:
        batch.extend({"record_id": record_id, "key": key} for key in sorted(stored_keys(item)))
        if len(batch) >= _BATCH:
            session.connection().execute(insert(MatchKey.__table__), batch)
            batch = []
    if batch:
        session.connection().execute(insert(MatchKey.__table__), batch)
    session.merge(Meta(name=KEYED_THROUGH, value=str(through)))


def records_sharing_keys(session: Session, new: Sequence[Prepared]) -> set[int]:
    """Ids of the stored records that share a blocking key with one of `new`: the same
    DOI, title end, or first author and year; or all three rarest words of its title."""
    own = sorted({key for item in new for key in own_keys(item)})
    found = {record_id for record_id, _ in _rows_with_keys(session, own)}
    words = sorted({f"tw:{word}" for item in new for word in item.title_words})
    frequency: dict[str, int] = {}
    for chunk in in_chunks(words):
        counted = select(MatchKey.key, func.count()).where(col(MatchKey.key).in_(chunk)).group_by(MatchKey.key)
        frequency.update({key[3:]: count for key, count in session.exec(counted)})
    wanted = [rare for item in new if (rare := rarest_words(item, frequency))]
    holders: dict[str, set[int]] = defaultdict(set)
    for record_id, key in _rows_with_keys(session, sorted({f"tw:{w}" for rare in wanted for w in rare})):
        holders[key[3:]].add(record_id)
    for rare in wanted:
        found |= set.intersection(*(holders[word] for word in rare))
    return found


def _rows_with_keys(session: Session, keys: list[str]) -> Iterable[tuple[int, str]]:
    for chunk in in_chunks(keys):
        yield from session.exec(select(MatchKey.record_id, MatchKey.key).where(col(MatchKey.key).in_(chunk)))
