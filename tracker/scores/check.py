"""Checking one value read from a score file: known country and area, 0-100, a year."""

from __future__ import annotations

import math
from functools import cache

import pycountry

from tracker.scores import AREAS, LEVELS
from tracker.vocab import MIPEX_COUNTRIES

#: How MPG's workbooks name some countries (sheet names), and common English short names.
_ALIASES = {"UK": "GB", "TU": "TR", "EL": "GR", "UNITED KINGDOM": "GB", "SOUTH KOREA": "KR", "KOREA": "KR"}


class ScoreError(ValueError):
    """Why a value cannot be a score (the caller says where)."""


@cache
def country_code(text: str) -> str:
    """ISO alpha-2 for an ISO-2 or ISO-3 code or an English name; a MIPEX country only."""
    raw = str(text).strip()
    upper = raw.upper()
    code = _ALIASES.get(upper)
    if code is None:
        try:
            found = pycountry.countries.lookup(raw)
            code = found.alpha_2
        except LookupError:
            try:
                code = pycountry.countries.search_fuzzy(raw)[0].alpha_2 if len(raw) > 3 else ""
            except LookupError:
                code = ""
    if code not in MIPEX_COUNTRIES:
        raise ScoreError(f"{raw!r} is not one of the 56 MIPEX countries")
    return code


def score_value(value: object) -> float | None:
    """A value 0-100; None for "not scored" (a blank, an error cell such as #DIV/0!)."""
    if value is None or (isinstance(value, str) and (not value.strip() or value.strip().startswith("#"))):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ScoreError(f"{value!r} is not a number") from error
    if math.isnan(number):
        return None
    if not 0 <= number <= 100:
        raise ScoreError(f"{number} is outside 0-100")
    return number


def year_value(value: object) -> int:
    try:
        year = int(float(str(value).strip()))
    except ValueError as error:
        raise ScoreError(f"{value!r} is not a year") from error
    if not 1990 <= year <= 2100:
        raise ScoreError(f"{year} is not a year MIPEX could have scored")
    return year


def area_code(value: object) -> str:
    area = str(value).strip().lower()
    if area not in AREAS:
        raise ScoreError(f"{value!r} is not an area (one of {', '.join(AREAS)})")
    return area


def level_value(value: object) -> str:
    level = str(value or "national").strip().lower()
    if level not in LEVELS:
        raise ScoreError(f"{value!r} is not a level (one of {', '.join(LEVELS)})")
    return level
