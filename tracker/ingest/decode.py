"""Bytes of an input file to text, with the encoding said out loud.

Exports come as UTF-8, UTF-8 with a byte-order mark, UTF-16 (Windows tools) and legacy
8-bit or GBK files (older reference managers). We trust a BOM, then strict UTF-8, and only
then ask charset-normalizer to guess; a guess is reported, so a curator can check it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnreadableInputError(ValueError):
    """The bytes are not text in any encoding we can name (empty, binary, random)."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    guessed: bool  # True when the encoding came from charset-normalizer's guess


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text written without a BOM: every other byte of ASCII text is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.8 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.8 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> DecodedText:
    """Decode an input file; raise `UnreadableInputError` with a reason a user understands."""
    if not data.strip():
        raise UnreadableInputError("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding, guessed=False)
            except UnicodeDecodeError as error:
                raise UnreadableInputError(f"starts with a {encoding} mark but is not {encoding}") from error
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return DecodedText(data.decode(utf16), utf16, guessed=True)
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise UnreadableInputError("the file is binary, not text (it holds NUL or control bytes)")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", guessed=False)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableInputError("the file is not text in any known encoding")
    return DecodedText(str(best), best.encoding, guessed=True)


def decode_with(data: bytes, encoding: str) -> DecodedText:
    """Decode with an encoding the user named; a wrong name or wrong bytes is reported."""
    try:
        return DecodedText(data.decode(encoding), encoding, guessed=False)
    except LookupError as error:
        raise UnreadableInputError(f"unknown encoding {encoding!r}") from error
    except UnicodeDecodeError as error:
        raise UnreadableInputError(f"is not {encoding}: byte {error.start} cannot be decoded") from error
