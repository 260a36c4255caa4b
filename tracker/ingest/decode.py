"""Bytes of an input file to text, with the encoding said out loud.

Exports come as UTF-8, UTF-8 with a byte-order mark, UTF-16 (Windows tools) and legacy
8-bit or GBK files (older reference managers). We trust a BOM, then strict UTF-8, then
UTF-8 with a few stray bytes (a file that is plainly UTF-8 but for a byte or two is read as
UTF-8, each stray byte replaced by U+FFFD and reported by line: guessing a legacy encoding
for it would turn every accented letter into mojibake), and only then ask
charset-normalizer to guess; a guess is reported, so a curator can check it.
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


#: UTF-8 whose stray bytes become U+FFFD: a codec of its own, so the name recorded for an
#: import replays the same reading on a rebuild.
UTF8_REPLACING = "utf-8-replace"
#: At most this many stray bytes, and at least ten times as many bytes in well-formed
#: multi-byte characters, make a file "UTF-8 with stray bytes" rather than a legacy one.
MAX_STRAY_BYTES = 100


def _utf8_replacing(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != UTF8_REPLACING:
        return None

    class Decoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data, _errors, final):  # type: ignore[no-untyped-def,override]
            return codecs.utf_8_decode(data, "replace", final)

    return codecs.CodecInfo(
        name=UTF8_REPLACING,
        encode=lambda text, errors="strict": codecs.utf_8_encode(text, errors),
        decode=lambda data, _errors="strict": codecs.utf_8_decode(data, "replace", True),
        incrementaldecoder=Decoder,
    )


codecs.register(_utf8_replacing)


class UnreadableInputError(ValueError):
    """The bytes are not text in any encoding we can name (empty, binary, random)."""


@dataclass(frozen=True, slots=True)
class Encoding:
    """The encoding a file was found to be in (its bytes were checked, not kept as text)."""

    name: str
    guessed: bool  # True when the name came from a guess
    stray: tuple[tuple[int, int], ...] = ()  # (line, byte) of each byte replaced by U+FFFD


def undecodable(data: bytes, encoding: str, limit: int = MAX_STRAY_BYTES + 1) -> tuple[list[tuple[int, int]], int]:
    """Where `data` cannot be decoded as `encoding`: up to `limit` (line, byte value)
    pairs, and how many bytes lie in the well-formed non-ASCII characters between them.
    Linear: each stretch is decoded once, through a view (no copies)."""
    view = memoryview(data)
    found: list[tuple[int, int]] = []
    multibyte = position = line = 0
    decoder = codecs.getdecoder(encoding)
    while position < len(data) and len(found) < limit:
        try:
            text, used = decoder(view[position:], "strict")
            multibyte += used - len(text)
            break
        except UnicodeDecodeError as error:
            good = decoder(view[position : position + error.start], "strict")[0]
            multibyte += error.start - len(good)
            bad = position + error.start
            line += data.count(b"\n", position, bad)
            found.append((line + 1, data[bad]))
            line += data.count(b"\n", bad, position + error.end)
            position += error.end
    return found, multibyte


#: Encodings in which a byte `@` or newline is always that character: files in them can
#: be cut into pieces at byte level and each piece decoded on its own.
ASCII_SAFE = frozenset({"utf-8", "utf-8-sig", "ascii", UTF8_REPLACING})


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


def _is_valid(data: bytes, encoding: str) -> bool:
    """Whether the bytes decode, checked a megabyte at a time (no whole-file string)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes) -> Encoding:
    """The encoding of an input file; raise `UnreadableInputError` with a reason a user understands."""
    if not data.strip():
        raise UnreadableInputError("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if _is_valid(data, encoding):
                return Encoding(encoding, guessed=False)
            raise UnreadableInputError(f"starts with a {encoding} mark but is not {encoding}")
    utf16 = _utf16_without_bom(data)
    if utf16 and _is_valid(data, utf16):
        return Encoding(utf16, guessed=True)
    if _looks_binary(data):
        raise UnreadableInputError("the file is binary, not text (it holds NUL or control bytes)")
    if _is_valid(data, "utf-8"):
        return Encoding("utf-8", guessed=False)
    stray, multibyte = undecodable(data, "utf-8")
    if len(stray) <= MAX_STRAY_BYTES and multibyte >= 10 * len(stray):
        return Encoding(UTF8_REPLACING, guessed=False, stray=tuple(stray))
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableInputError("the file is not text in any known encoding")
    return Encoding(best.encoding, guessed=True)


def named_encoding(data: bytes, encoding: str) -> Encoding:
    """An encoding the user named, checked against the bytes."""
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise UnreadableInputError(f"unknown encoding {encoding!r}") from error
    if not _is_valid(data, encoding):
        stray, _ = undecodable(data, encoding, limit=4)
        where = ", ".join(f"line {line} (byte 0x{byte:02X})" for line, byte in stray[:3])
        more = " and more" if len(stray) > 3 else ""
        raise UnreadableInputError(f"is not {encoding}: bytes that cannot be decoded at {where}{more}")
    return Encoding(encoding, guessed=False)


def decode(data: bytes, encoding: str) -> str:
    """The text of bytes already checked for this encoding (a BOM is dropped)."""
    return data.decode(encoding).lstrip("\ufeff")
