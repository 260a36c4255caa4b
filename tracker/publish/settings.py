"""What a library says about its own site (`bib/site.toml`), and where its scores come from.

The file is optional; every key has a default:

    notice = "An example library: replace bib/ with your own."   # a banner on every page
    about = "Who keeps this library and how to suggest a study."  # a paragraph on about/
    digest_from = "MIPEX <mipex@example.org>"   # the From of the digest's e-mail file
    show_undecided = true   # also publish studies not screened yet, labelled as such
                            # (default false: only studies that use MIPEX are published)
    base_url = "https://mpg.example.org/mipex/"   # where the site is published: a plain
                            # `build` then writes absolute feed links and sitemap.xml

It lives in `bib/` so it travels with the library in git, like everything a site is built from.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tracker.scores import ScoreRow
from tracker.screening import INCLUDED, UNDECIDED

SETTINGS_FILE = Path("bib") / "site.toml"


class SettingsError(ValueError):
    """bib/site.toml cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class SiteSettings:
    notice: str = ""
    about: str = ""
    digest_from: str = ""
    show_undecided: bool = False
    base_url: str = ""

    @classmethod
    def load(cls, library_root: Path) -> SiteSettings:
        path = library_root / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"{path}: {error}") from error
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            known = ", ".join(cls.__dataclass_fields__)
            raise SettingsError(f"{path}: unknown setting {unknown[0]!r} (known: {known})")
        for name, value in data.items():
            expected = type(getattr(cls(), name))
            if not isinstance(value, expected):
                kind = "true or false" if expected is bool else "a text in quotes"
                raise SettingsError(f"{path}: {name} must be {kind}")
        base = data.get("base_url", "")
        if base and not base.startswith(("https://", "http://")):
            raise SettingsError(f"{path}: base_url must be an http(s) address, not {base!r}")
        return cls(**data)

    def published(self, status: str) -> bool:
        """Whether a study of this screening status is published on the site."""
        return status == INCLUDED or (self.show_undecided and status == UNDECIDED)


@dataclass(frozen=True, slots=True)
class ScoreSource:
    """One source of the scores on the site, with what it covers."""

    source: str
    editions: list[str]
    first_year: int
    last_year: int
    countries: int
    values: int  # strand and overall scores
    indicators: int  # indicator scores


def score_sources(scores: Iterable[ScoreRow]) -> list[ScoreSource]:
    """The sources named by the score rows, each with its editions, years and coverage."""
    found: dict[str, list[ScoreRow]] = defaultdict(list)
    for score in scores:
        found[score.source or "(source not named)"].append(score)
    return [
        ScoreSource(
            source=source,
            editions=sorted({s.edition for s in rows}),
            first_year=min(s.year for s in rows),
            last_year=max(s.year for s in rows),
            countries=len({s.country for s in rows}),
            values=sum(1 for s in rows if not s.indicator),
            indicators=sum(1 for s in rows if s.indicator),
        )
        for source, rows in sorted(found.items())
    ]
