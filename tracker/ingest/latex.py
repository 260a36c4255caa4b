"""LaTeX to Unicode that never loses text.

pylatexenc does the decoding; this module sets it up so that it keeps what a careless
decoder drops: a bare `%` in an abstract ("59% of respondents") or a URL (`%2F`) is text,
not a comment; math stays as written; `\\url{...}` keeps its argument. Most values hold
no LaTeX at all, so they take a fast path that never calls the decoder (it costs
milliseconds per value). The markup real exports carry most (accents such as `\\'{e}`,
`{\\"u}`, letters such as `{\\ss}`, `\\emph{...}`) is replaced token by token, each distinct
token decoded once by pylatexenc itself, so most values with LaTeX take the fast path too;
and a long value that still needs the decoder is decoded in pieces cut at top-level spaces
(pylatexenc's time grows faster than the text: a 10 MB abstract took four minutes).
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


#: Markup decoded token by token: `\\\\` (a line break), an accent on one letter,
#: a letter macro in braces, a font macro around plain words.
_TOKENS = re.compile(
    r"(\\\\)"
    r"|\\['`^\"~=.](?:\{\\?[a-zA-Z]\}|\\[ij](?![a-zA-Z])|[a-zA-Z])"
    r"|\\[uvHckrbd]\{\\?[a-zA-Z]\}"
    r"|\{\\(?:ss|o|O|ae|AE|oe|OE|aa|AA|l|L|i|j)\}"
    r"|\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|textsl|textnormal)\{[^{}\\$%]*\}"
)
#: Values with these are left to the decoder whole: URLs are verbatim, display math is rare.
_NO_TOKENS = re.compile(r"\$\$|\\(?:url|href|verb|\(|\[)")
_ENDS_IN_CONTROL_WORD = re.compile(r"\\[a-zA-Z]+$")
#: Inline math's delimiter: what lies between two of them is kept as written.
_MATH = re.compile(r"(?<!\\)\$")
#: A value longer than this that needs the decoder is decoded in pieces about this long.
PIECE = 4000


@lru_cache(maxsize=4096)
def _decoded_token(token: str) -> str:
    return _decoder().latex_to_text(token)


def _replace_tokens(value: str) -> str:
    """`value` (text without math) with its common markup decoded token by token."""
    for _ in range(3):  # a font macro around an accent: the accent goes first
        replaced = _TOKENS.sub(_token_text, value)
        if replaced == value:
            break
        value = replaced
    return value


def _token_text(match: re.Match[str]) -> str:
    if match.group(1):
        return "\n"
    text = _decoded_token(match.group(0))
    before = match.string[max(0, match.start() - 40) : match.start()]
    if _ENDS_IN_CONTROL_WORD.search(before):  # `\i\'a`: "ıá", not the macro `\iá`
        return "{" + text + "}"
    return text


def _pieces(value: str) -> list[str]:
    """`value` cut at spaces outside braces and math into pieces of about `PIECE`
    characters (one piece when no such space is found). Linear: each character is
    counted once, however unbalanced the value."""
    pieces: list[str] = []
    start = scanned = depth = dollars = 0
    while True:
        space = value.find(" ", max(scanned + 1, start + PIECE))
        if space < 0:
            break
        part = value[scanned:space]
        depth += part.count("{") - part.count("\\{") - part.count("}") + part.count("\\}")
        dollars += part.count("$") - part.count("\\$")
        scanned = space
        if depth == 0 and dollars % 2 == 0:
            pieces.append(value[start:space])
            start = space
    pieces.append(value[start:])
    return pieces


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
    if len(value) > 2 * PIECE:
        return "".join(_decode_markup(piece) for piece in _pieces(value))
    return _decode_markup(value)


def _decode_markup(value: str) -> str:
    """A value (or a piece of one, cut outside braces and math) with LaTeX markup: its
    text outside math decoded token by token and on the fast path where that leaves no
    other markup, math kept as written (as the decoder keeps it); else the decoder."""
    segments = _MATH.split(value)
    if _NO_TOKENS.search(value) or len(segments) % 2 == 0:
        return _decode(value)
    texts = [_replace_tokens(text) for text in segments[0::2]]
    if any(_NEEDS_DECODER.search(_SIMPLE_ESCAPE.sub("", text)) for text in texts):
        return _decode("$".join(_interleave(texts, segments[1::2])))
    return "$".join(_interleave([_fast_decode(text) for text in texts], segments[1::2]))


def _interleave(texts: list[str], maths: list[str]) -> list[str]:
    joined = [texts[0]]
    for math, text in zip(maths, texts[1:], strict=True):
        joined += [math, text]
    return joined


def _decode(value: str) -> str:
    protected = _BARE_PERCENT.sub(r"\\%", value)
    try:
        return _decoder().latex_to_text(protected)
    except Exception:  # pylatexenc raises on malformed markup; keep the text as written
        return value.translate(_BRACES)


def verbatim_value(value: str) -> str:
    """A URL or DOI as written: only the escapes TeX needs (`\\_`, `\\%`) are undone."""
    return _VERBATIM_ESCAPES.sub(r"\1", value)
