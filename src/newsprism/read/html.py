"""HTML pages: decoded, not extracted (cleaning runs trafilatura on ``RawDoc.html``)."""

from __future__ import annotations

from collections.abc import Iterator

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, Provenance, RawDoc
from newsprism.read.base import (
    Source,
    check_size,
    expected_size,
    open_content,
    read_capped,
    readers,
)
from newsprism.read.decode import DecodeError, declared_charset, decode_bytes

NAME = "html.v1"


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, dict[str, str]]:
    """A page's text and ``encoding`` metadata: BOM, then the HTTP charset, then the page's own
    ``<meta charset>``, then UTF-8, then detection. Raises ``DecodeError`` for binary data."""
    declared = http_charset or declared_charset(data)
    decoded = decode_bytes(data, declared)
    metadata = {"encoding": decoded.encoding}
    if decoded.note:
        metadata["encoding_note"] = decoded.note
    return decoded.text, metadata


@readers.register(NAME)
def read_html(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """One page per file."""
    check_size(source, settings.max_record_bytes, "max_record_bytes")
    with open_content(source, settings) as stream:
        data = read_capped(stream, source.name, settings.max_record_bytes, expected_size(source))
    if not data.strip():
        raise ReadError(source.name, "empty file")
    try:
        page, metadata = decode_html(data)
    except DecodeError as exc:
        raise ReadError(source.name, str(exc)) from None
    yield RawDoc(provenance=Provenance(source.name, NAME), html=page, metadata=metadata)
