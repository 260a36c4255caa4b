"""A study's tags as readers see them: the tagger's, with a curator's changes on top.

The tagger's proposals are rows (`Tag`, origin `auto`); a curator's changes are logged
decisions (`tag`: codes added and removed), applied in the order made, so no later run of
the tagger, change of vocabulary, import or rebuild undoes one. Exported as the fields
`mipex-areas`, `mipex-countries`, `mipex-outcomes` (codes joined by ", ") and `mipex-use`,
and the keywords `mipex-places` and `mipex-other-countries`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlmodel import Session, col, select

from tracker.models import AUTO, CURATOR, Decision, Record, Tag

FACET_FIELDS = {
    "area": "mipex-areas",
    "country": "mipex-countries",
    "outcome": "mipex-outcomes",
    "use": "mipex-use",
    "place": "mipex-places",  # keywords, not codes: regions and cities named
    "other_country": "mipex-other-countries",  # keywords: countries outside MIPEX
}

StudyTags = dict[str, dict[str, str]]  # facet -> code -> origin


def apply_changes(tags: StudyTags, changes: Mapping[str, Sequence[str]]) -> None:
    """A curator's `add` and `remove` ("facet:code" items) on one study's tags. `use` has
    one value: adding one replaces the other."""
    for item in changes.get("remove", []):
        facet, _, code = item.partition(":")
        tags.get(facet, {}).pop(code, None)
    for item in changes.get("add", []):
        facet, _, code = item.partition(":")
        if facet == "use":
            tags["use"] = {}
        tags.setdefault(facet, {})[code] = CURATOR


def effective_tags(session: Session, study_ids: Iterable[int]) -> dict[int, StudyTags]:
    """Each study's tags (facet -> code -> origin): the tagger's, then curators' changes."""
    wanted = list(study_ids)
    found: dict[int, StudyTags] = defaultdict(dict)
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        for study, facet, code in session.exec(
            select(Tag.study_id, Tag.facet, Tag.code).where(col(Tag.study_id).in_(chunk))
        ):
            found[study].setdefault(facet, {})[code] = AUTO
    decisions = list(
        session.exec(
            select(Decision.keys, Decision.values)
            .where(Decision.action == "tag", col(Decision.undone).is_(False))
            .order_by(col(Decision.seq))
        )
    )
    if decisions:
        keys = {keys[0] for keys, _ in decisions}
        study_of = dict(session.exec(select(Record.key, Record.study_id).where(col(Record.key).in_(keys))).all())
        chosen = set(wanted)
        for keys, values in decisions:
            study = study_of.get(keys[0])
            if study in chosen:
                apply_changes(found[study], values)  # type: ignore[index]
    return dict(found)


#: The facets that say how a study uses MIPEX: a study that does not use it has none.
POLICY_FACETS = ("area", "use")


def without_policy_tags(tags: StudyTags) -> StudyTags:
    """A study's tags without the tagger's areas and use (a curator's stay: they chose them)."""
    kept = {facet: dict(codes) for facet, codes in tags.items()}
    for facet in POLICY_FACETS:
        kept[facet] = {code: origin for code, origin in kept.get(facet, {}).items() if origin == CURATOR}
        if not kept[facet]:
            kept.pop(facet)
    return kept


def tag_fields(tags: StudyTags) -> dict[str, str]:
    """The export fields of one study's tags (none for a facet without codes)."""
    fields = {}
    for facet, name in FACET_FIELDS.items():
        codes = sorted(tags.get(facet, {}))
        if codes:
            fields[name] = "; ".join(codes) if facet in ("place", "other_country") else ", ".join(codes)
    return fields
