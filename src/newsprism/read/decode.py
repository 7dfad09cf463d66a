"""Bytes to text: BOM, declared charset, UTF-8, then detection; binary data is refused.

Order: a byte-order mark wins; then a declared charset (HTTP header, ``<meta charset>``, XML
declaration) when the bytes decode under it; then strict UTF-8. Text that is mostly UTF-8 with
a few stray single bytes (mixed-encoding scrapes) keeps its UTF-8 and reads each stray byte as
Windows-1252. Otherwise ``charset_normalizer`` guesses; its guess among the Latin single-byte
code pages is unreliable on short text (it says cp1250 for French ``très``), so any Western
single-byte guess becomes Windows-1252, the usual legacy encoding of English and Western
European news. Non-Latin guesses (cp1251, Shift-JIS, …) are kept.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"\x7fELF",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf",
    b"Rar!",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"SQLite format 3\x00",
    b"PAR1",
)

_WESTERN = {
    "ascii",
    "latin_1",
    "iso8859_1",
    "iso8859_2",
    "iso8859_3",
    "iso8859_4",
    "iso8859_9",
    "iso8859_10",
    "iso8859_13",
    "iso8859_14",
    "iso8859_15",
    "iso8859_16",
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "cp437",
    "cp850",
    "cp858",
    "mac_roman",
    "mac_latin2",
    "mac_iceland",
    "mac_turkish",
}
"""Code pages ``charset_normalizer`` confuses with each other on Western text."""

_LEGACY_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}
"""Declared charsets read as Windows-1252, as browsers do (WHATWG encoding standard)."""

_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
"""Control bytes that do not occur in text (tab, newlines, form feed and escape excepted)."""
BINARY_SAMPLE = 8192


class DecodeError(ValueError):
    """The bytes are not text; the message is the one-line reason."""


@dataclass(slots=True, frozen=True)
class Decoded:
    text: str
    encoding: str
    """Python codec name actually used, e.g. ``utf-8`` or ``cp1252``."""
    note: str | None = None
    """How the encoding was chosen when it was not plain UTF-8 or declared."""


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("newsprism-cp1252", _cp1252_fallback)
"""``errors="newsprism-cp1252"``: a byte that is not valid UTF-8 is read as Windows-1252."""


def looks_binary(data: bytes) -> bool:
    """Whether bytes look like binary data (an image, an archive, random bytes), not text."""
    if not data:
        return False
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    if data.startswith(_MAGIC):
        return True
    sample = data[:BINARY_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(sample)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    found = found.replace("-", "_") if found.startswith(("iso", "mac")) else found
    return _LEGACY_ALIASES.get(found, found)


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a document's bytes. Raises ``DecodeError`` for binary data."""
    bom = _bom(data)
    if bom:
        name, skip = bom
        return Decoded(data[skip:].decode(name, errors="replace"), name)
    if looks_binary(data):
        raise DecodeError("binary data, not text")
    codec = _codec(declared)
    if codec and not codec.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass  # the declaration is wrong: go on as if there were none
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data)


def _guess(data: bytes) -> Decoded:
    mixed = data.decode("utf-8", errors="newsprism-cp1252")
    strict = data.decode("utf-8", errors="ignore")
    valid_multibyte = sum(1 for ch in strict if ord(ch) > 0x7F)
    invalid = sum(1 for ch in mixed if ord(ch) > 0x7F) - valid_multibyte
    if valid_multibyte >= max(1, invalid):
        return Decoded(mixed, "utf-8", f"mostly UTF-8; {invalid} stray bytes read as cp1252")

    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guess = _codec(best.encoding) if best is not None else None
    if guess is None or guess in _WESTERN or guess in {"cp1252", "utf_8", "utf-8"}:
        return Decoded(
            data.decode("cp1252", errors="newsprism-cp1252"), "cp1252", "detected cp1252"
        )
    try:
        return Decoded(data.decode(guess), guess, f"detected {guess}")
    except (UnicodeDecodeError, LookupError):
        return Decoded(mixed, "utf-8", "undetected encoding; invalid bytes read as cp1252")


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta>`` or the XML declaration)."""
    sample = head[:4096].decode("latin-1")
    match = _META_CHARSET.search(sample) or _XML_ENCODING.search(sample)
    return match.group(1) if match else None


_META_CHARSET = re.compile(r"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)


def content_type_charset(content_type: str | None) -> str | None:
    """``text/html; charset=ISO-8859-1`` → ``ISO-8859-1``."""
    if not content_type:
        return None
    match = re.search(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", content_type, re.I)
    return match.group(1) if match else None
