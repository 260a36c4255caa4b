"""A curator's tag changes as typed ("+area:health -country:TR use:explains_outcomes"),
checked against the vocabularies so a typo never becomes a tag."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.vocab import FACETS, load_vocabulary


class TagChangeError(ValueError):
    """A change that names no facet or no code of its vocabulary."""


def parse_tag_changes(changes: Sequence[str]) -> dict[str, list[str]]:
    """{"add": ["facet:code", ...], "remove": [...]} from typed changes."""
    if not changes:
        raise TagChangeError("name at least one change: +facet:code, -facet:code or facet:code")
    values: dict[str, list[str]] = {"add": [], "remove": []}
    for change in changes:
        sign, body = (change[0], change[1:]) if change[:1] in "+-" else ("+", change)
        facet, colon, code = body.partition(":")
        if not colon or facet not in FACETS:
            raise TagChangeError(f"{change!r}: write +facet:code or -facet:code, facet one of {', '.join(FACETS)}")
        if code not in load_vocabulary(facet).terms:
            raise TagChangeError(
                f"{change!r}: {code!r} is not one of the {facet} codes (see `mipex-tracker vocab {facet}`)"
            )
        if facet == "use" and sign == "-":
            raise TagChangeError(f"{change!r}: a study has one use; set another with use:CODE")
        values["add" if sign == "+" else "remove"].append(f"{facet}:{code}")
    return values
