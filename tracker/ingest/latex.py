"""LaTeX to Unicode that never loses text.

pylatexenc does the decoding; this module sets it up so that it keeps what a careless
decoder drops: a bare `%` in an abstract ("59% of respondents") or a URL (`%2F`) is text,
not a comment; math stays as written; `\\url{...}` keeps its argument. Most values hold
no LaTeX at all, so they take a fast path that never calls the decoder (it costs
milliseconds per value).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec, get_default_latex_context_db

_BARE_PERCENT = re.compile(r"(?<!\\)%")
_VERBATIM_ESCAPES = re.compile(r"\\([_%&#$])")
_NEEDS_DECODER = re.compile(r"[\\$]")
_BRACES = str.maketrans("", "", "{}")
_SIMPLE_ESCAPE = re.compile(r"\\[&%$#_{}]")
_FAST_TOKENS = re.compile(r"\\([&%$#_{}])|[{}]|~|---|--|``|''")
_FAST_REPLACEMENTS = {
    "{": "",
    "}": "",
    "~": "\u00a0",
    "---": "\u2014",
    "--": "\u2013",
    "``": "\u201c",  # TeX's opening and closing double quotes, as TeX prints them
    "''": "\u201d",
}


def _fast_decode(value: str) -> str:
    """Decode a value whose only markup is braces, ties, dashes and escaped specials."""
    return _FAST_TOKENS.sub(lambda m: m.group(1) or _FAST_REPLACEMENTS[m.group(0)], value)


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db().filter_context(keep_which=["macros", "environments", "specials"])
    context.add_context_category(
        "mipex-tracker",
        prepend=True,
        macros=[
            MacroTextSpec("url", "%(1)s"),
            MacroTextSpec("href", "%(2)s (%(1)s)"),
            MacroTextSpec("textunderscore", "_"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("copyright", "\u00a9"),
            MacroTextSpec("textcopyright", "\u00a9"),
            MacroTextSpec("textregistered", "\u00ae"),
            MacroTextSpec("texttrademark", "\u2122"),
        ],
        # TeX's double quotes become the quotes TeX prints (as on the fast path, so both
        # paths agree); `!` and `?` ligatures and a bare `&` stay as typed (pylatexenc: spaces).
        specials=[
            SpecialsTextSpec("``", "\u201c"),
            SpecialsTextSpec("''", "\u201d"),
            *(SpecialsTextSpec(chars, chars) for chars in ("!`", "?`", "&")),
        ],
    )
    return LatexNodes2Text(
        latex_context=context,
        math_mode="verbatim",
        keep_comments=True,
        strict_latex_spaces=True,
    )


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Decode a BibTeX field value (braces and LaTeX markup) to plain Unicode text."""
    if "\\" not in value and "$" not in value:
        if "{" in value or "}" in value or "~" in value or "--" in value or "``" in value or "''" in value:
            return _fast_decode(value)
        return value
    if not _NEEDS_DECODER.search(_SIMPLE_ESCAPE.sub("", value)):
        return _fast_decode(value)
    protected = _BARE_PERCENT.sub(r"\\%", value)
    try:
        return _decoder().latex_to_text(protected)
    except Exception:  # pylatexenc raises on malformed markup; keep the text as written
        return value.translate(_BRACES)


def verbatim_value(value: str) -> str:
    """A URL or DOI as written: only the escapes TeX needs (`\\_`, `\\%`) are undone."""
    return _VERBATIM_ESCAPES.sub(r"\1", value)
