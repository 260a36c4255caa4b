"""Names written as plain text (RIS's `Family, Given, Suffix`) to `Name` parts.

BibTeX names have their own grammar and are split by bibtexparser (see `bibtex_steps`);
this covers the formats that write a name as one string with commas.
"""

from __future__ import annotations

import re

from tracker.entry import Name
from tracker.ingest.normalise import collapse_whitespace

_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def split_particle(family: str) -> tuple[str, str]:
    """`van der Berg` -> (`van der`, `Berg`): leading lower-case words are the particle."""
    words = family.split()
    index = 0
    while index < len(words) - 1 and words[index][:1].islower():
        index += 1
    return " ".join(words[:index]), " ".join(words[index:])


def name_from_text(text: str) -> Name:
    """A RIS-style name: `Family, Given[, Suffix]` (`Family,` alone is a family name);
    no comma means a corporate name, unless it ends in initials (`Miller JR`, as PubMed
    writes names)."""
    text = collapse_whitespace(text).strip(" ;")
    if "," not in text:
        words = text.split()
        if len(words) >= 2 and _INITIALS.match(words[-1]):
            particle, family = split_particle(" ".join(words[:-1]))
            return Name(family=family, given=words[-1], particle=particle)
        return Name(literal=text)
    parts = [p.strip() for p in text.split(",")]
    family_part, given = parts[0], parts[1] if len(parts) > 1 else ""
    suffix = ", ".join(p for p in parts[2:] if p)
    particle, family = split_particle(family_part)
    return Name(family=family, given=given, particle=particle, suffix=suffix)
