"""A title as the work has it, without what a database wrote around it.

Bibliographic databases annotate titles in their exports: MEDLINE puts a translated title
in brackets and appends `[Review]`, `[57 refs]`, `[Erratum appears in ...]`, the original
language (`[Chinese]`); Embase appends `(multiple letters)` and footnote marks (`[1]`).
The same article exported from another database carries none of it, so numbers in the
annotation ("57 refs") must not make two copies look like Part I and Part II, and the
extra words must not lower their similarity. These conventions are the databases'
documented ones; nothing here is taken from a particular set of records.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

#: What an annotation in brackets says, besides a language's name.
_ANNOTATION = re.compile(
    r"^\s*(?:"
    r"review|review article|systematic review|meta-analysis|editorial|letter|comment|news|abstract|"
    r"\d+\s*refs?\.?|\d+|"  # "[57 refs]", a footnote mark "[1]"
    r"(?:published\s+)?errat(?:um|a)\b.*|corrected\b.*|correction\b.*|retract(?:ed|ion)\b.*|"
    r"(?:see\s+)?comments?\b.*|see\b.*|author'?s'?\s+transl.*|english abstract|"
    r"(?:article|text|abstract)\s+in\s+\w+.*|in\s+\w+|"
    r"conference abstract|meeting abstract|poster|oral presentation"
    r")\s*\.?\s*$",
    re.IGNORECASE,
)
#: A note in brackets at the end; or one cut off before it closes (a title field cut at
#: its length limit: "...syndrome.[Erratum appears in ...].[Erratum").
_TRAILING_BRACKET = re.compile(
    r"\s*(?:\[(?P<square>[^\[\]]*)\]|\((?P<round>[^()]*)\)|\[(?P<cut>[^\[\]]*))\s*\.?\s*$"
)
_TRAILING_DOTS = re.compile(r"[\s.;:,]+$")
_EMBASE_NOTE = re.compile(r"\s*\((?:multiple letters|letter|abstract|editorial)\)\s*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _language_names() -> frozenset[str]:
    """Languages' names in English, lower case ("chinese", "norwegian bokmål", ...)."""
    return frozenset(name.lower() for name in Locale("en").languages.values())


def _is_annotation(text: str) -> bool:
    stripped = text.strip().rstrip(".").strip()
    if not stripped:
        return True
    if _ANNOTATION.match(stripped):
        return True
    words = [w for w in re.split(r"[\s,;/&]+|\band\b", stripped.lower()) if w]
    return bool(words) and all(w in _language_names() for w in words)


def _nested_note(text: str) -> tuple[int, str] | None:
    """A square-bracketed note at the end that holds brackets of its own ("[Erratum appears
    in ... Note: Smith, P [added]]"): where it starts and what it says."""
    end = len(text.rstrip(" ."))
    if not text[:end].endswith("]"):
        return None
    depth = 0
    for index in range(end - 1, -1, -1):
        depth += (text[index] == "]") - (text[index] == "[")
        if depth == 0:
            return index, text[index + 1 : end - 1]
    return None


def without_annotations(title: str) -> str:
    """`title` without the annotations databases add: trailing bracketed notes (language,
    review, references, errata, footnote marks; one cut off before its bracket closes),
    Embase's "(multiple letters)", and the
    brackets MEDLINE puts around a translated title. A bracketed part that is a title of
    its own (a translation) stays."""
    text = _EMBASE_NOTE.sub(" ", title).strip()
    for _ in range(8):  # a few annotations follow each other: "[Review] [57 refs]"
        found = _TRAILING_BRACKET.search(text)
        if found:
            start, note = found.start(), found["square"] or found["round"] or found["cut"] or ""
        elif nested := _nested_note(text):
            start, note = nested
        else:
            break
        if start == 0 or not _is_annotation(note):
            break
        text = text[:start]
    text = _TRAILING_DOTS.sub("", text)
    if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        text = text[1:-1].strip()  # MEDLINE: "[Title translated into English]"
    return text or title
