"""Digest summaries: two to four sentences per study, written by a curator; where none exists
yet, a draft picked from the abstract.

The draft is extractive — whole sentences of the abstract, in their order — because a digest
states what the authors say; a curator accepts it or rewrites it. The sentences chosen are
the one that says what the study does (its aim, or where it uses MIPEX) and the first that
states a finding, and the MIPEX sentence when neither of those names the index. Sentences
are split by pysbd, which knows abbreviations ("e.g.", "et al.") and decimal numbers.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache

import pysbd

MIN_SENTENCES, MAX_SENTENCES = 2, 4
#: A draft longer than this keeps only its first two sentences.
DRAFT_CHARACTERS = 700
#: Sentences are looked for in this much of a text at most: an abstract is a few thousand
#: characters, and a megabyte pasted by mistake must not take pysbd minutes.
READ_CHARACTERS = 20_000
#: Lines of the file `summary --edit` opens that start with this are context, not saved.
COMMENT = "#"

_AIM = re.compile(
    r"\b(this (study|article|paper|chapter|report|thesis)|we (examine|analy[sz]e|investigate|study|explore|"
    r"assess|ask|use|test|compare|map|develop|propose)|(aims?|seeks?) to)\b",
    re.IGNORECASE,
)
_FINDING = re.compile(
    r"\b(we find|find(s|ing|ings)?|found|results?|show(s|ed|n)?|suggest(s|ed)?|indicate(s|d)?|reveal(s|ed)?|"
    r"conclude(s|d)?|associated|evidence that)\b",
    re.IGNORECASE,
)
_MIPEX = re.compile(r"\bMIPEX\b|Migrant Integration Policy Index", re.IGNORECASE)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[str]:
    """The text's sentences, stripped; blank text has none. Only the first
    `READ_CHARACTERS` are read (cut at a space)."""
    if len(text) > READ_CHARACTERS:
        text = text[:READ_CHARACTERS].rpartition(" ")[0] or text[:READ_CHARACTERS]
    text = " ".join(text.split())
    if not text:
        return []
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]


def sentence_problem(summary: str) -> str | None:
    """Why a summary does not fit the digest (two to four sentences), or None."""
    count = len(sentences(summary))
    if count < MIN_SENTENCES:
        return f"{count} sentence{'s' if count != 1 else ''}; a summary has {MIN_SENTENCES} to {MAX_SENTENCES}"
    if count > MAX_SENTENCES:
        return f"{count} sentences; a summary has {MIN_SENTENCES} to {MAX_SENTENCES}"
    return None


def draft_summary(abstract: str) -> str:
    """A draft of two or three sentences from the abstract ("" when there is no abstract)."""
    found = sentences(abstract)
    if len(found) <= MIN_SENTENCES:
        return " ".join(found)
    aim = next((i for i, s in enumerate(found) if _AIM.search(s) or _MIPEX.search(s)), 0)
    finding = next((i for i, s in enumerate(found) if i > aim and _FINDING.search(s)), aim + 1)
    chosen = {aim, min(finding, len(found) - 1)}
    if not any(_MIPEX.search(found[i]) for i in chosen):
        chosen |= {i for i, s in enumerate(found) if _MIPEX.search(s)}
    picked = [found[i] for i in sorted(chosen)][:3]
    if len(" ".join(picked)) > DRAFT_CHARACTERS:
        picked = picked[:2]
    if len(picked) < MIN_SENTENCES:
        picked = found[:MIN_SENTENCES]
    return " ".join(picked)


def edit_buffer(present: str, title: str, abstract: str, draft: str) -> str:
    """The file `digest summary --edit` opens: the summary to edit on top, then the study's
    title, its abstract and the draft as comment lines, there to read and not saved."""
    lines = [present, "", f"{COMMENT} Write two to four sentences above. Lines starting with {COMMENT} are not saved."]
    lines.append(f"{COMMENT} Title: {' '.join(title.split())}")
    for label, text in (("Abstract", abstract), ("Draft from the abstract", draft)):
        if text.strip():
            lines.append(f"{COMMENT} {label}:")
            lines.extend(f"{COMMENT}   {line}" for line in textwrap.wrap(" ".join(text.split())[:READ_CHARACTERS], 88))
    return "\n".join(lines) + "\n"


def edited_summary(buffer: str) -> str:
    """What a curator wrote in the `edit_buffer` file: its lines that are not comments."""
    return "\n".join(line for line in buffer.splitlines() if not line.lstrip().startswith(COMMENT)).strip()
