"""What every reader shares: the registry, the input ``Source`` and capped, decompressed streams.

A reader is a function ``(source, settings) -> Iterator[RawDoc | Failure]`` registered under a
versioned name. It yields a ``Failure`` for a record it cannot read and goes on with the next
one; a problem with the whole file (truncated gzip, a file over the size cap) is raised as
``ReadError`` and turned into a ``Failure`` by ``iter_documents``.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, RawDoc
from newsprism.registry import Registry

Reader = Callable[["Source", Settings], Iterator[RawDoc | Failure]]

readers: Registry[Reader] = Registry("reader")
"""Every reader by its versioned name: ``text.v1``, ``html.v1``, ``jsonl.v1``, ``json.v1``,
``feed.v1``, ``warc.v1``."""

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 65_536
"""How much of a file (decompressed) is read to choose its reader."""


def one_line(text: object, limit: int = 300) -> str:
    """A message squeezed onto one line (exception texts can span several) and cut to
    ``limit`` characters (some quote the offending data)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """A file name (or locator) for a one-line message: control characters and line breaks
    are written as escapes (``\\n``, ``\\x00``), everything else is kept."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(slots=True)
class Source:
    """One input file (or standard input, spooled) a reader reads from."""

    name: str
    """The path as given, or ``-``: used in provenance and failure messages."""
    open_raw: Callable[[], BinaryIO]
    """Opens the stored bytes (still compressed) as a seekable binary stream."""
    size: int | None = None
    """Stored size in bytes when known."""
    compressed: bool = False
    """Whether the stored bytes are gzip (``open_content`` decompresses them)."""

    def where(self, locator: str | None = None) -> str:
        return f"{self.name} {locator}" if locator else self.name


class _CappedRaw(io.RawIOBase):
    """Reads a stream (gzip or plain), turning decompression trouble and an exceeded size cap
    into ``ReadError`` for the whole file."""

    def __init__(self, inner: BinaryIO, raw: BinaryIO, where: str, cap: int) -> None:
        super().__init__()
        self._inner = inner
        self._raw = raw
        self._read1: Callable[[int], bytes] = getattr(inner, "read1", inner.read)
        self._where = where
        self._cap = cap
        self._compressed = inner is not raw
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        try:
            data = self._read1(len(buffer))
        except EOFError:
            raise ReadError(
                self._where, "truncated gzip: data ends before the end-of-stream marker"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise ReadError(self._where, f"corrupt gzip data: {one_line(exc)}") from None
        self.total += len(data)
        if self.total > self._cap:
            what = "decompressed data" if self._compressed else "file"
            raise ReadError(
                self._where, f"too large: {what} exceeds max_file_bytes ({self._cap} bytes)"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
            self._raw.close()  # GzipFile does not close the file object it was given
        finally:
            super().close()


def is_gzip(raw: BinaryIO) -> bool:
    """Whether a seekable stream starts with the gzip magic number (position is kept)."""
    start = raw.tell()
    magic = raw.read(2)
    raw.seek(start)
    return magic == GZIP_MAGIC


def open_content(source: Source, settings: Settings) -> io.BufferedReader:
    """The file's content, decompressed when it is gzip (``source.compressed`` is set),
    capped at ``max_file_bytes``."""
    raw = source.open_raw()
    try:
        compressed = source.compressed = is_gzip(raw)
        inner: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
    except BaseException:
        raw.close()
        raise
    return io.BufferedReader(
        _CappedRaw(inner, raw, source.name, settings.max_file_bytes), buffer_size=HEAD_BYTES
    )


def read_head(stream: BinaryIO, size: int = HEAD_BYTES) -> tuple[bytes, ReadError | None]:
    """Up to ``size`` bytes from the start, and the error that cut them short (truncated or
    corrupt gzip, size cap), if any."""
    chunks: list[bytes] = []
    got = 0
    read1: Callable[[int], bytes] = getattr(stream, "read1", stream.read)
    while got < size:
        try:
            chunk = read1(size - got)
        except ReadError as exc:
            return b"".join(chunks), exc
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks), None


def read_capped(stream: BinaryIO, where: str, limit: int, expected: int | None = None) -> bytes:
    """All of a stream as one record; ``ReadError`` when it is larger than ``limit`` bytes.

    ``expected``: the size the stream should have (an uncompressed file's size), if known."""
    # Asking a buffered stream for n bytes makes it allocate n bytes: read what is expected
    # (or HEAD_BYTES), then the rest, if any, in chunks.
    size = min(limit + 1, HEAD_BYTES if expected is None else expected + 1)
    data = stream.read(size)
    if len(data) == size and size <= limit:
        parts = [data]
        got = size
        while got <= limit:
            chunk = stream.read(min(limit + 1 - got, _CHUNK_BYTES))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        data = b"".join(parts)
    if len(data) > limit:
        raise ReadError(where, f"too large: more than max_record_bytes ({limit} bytes)")
    return data


_CHUNK_BYTES = 1 << 20


def expected_size(source: Source) -> int | None:
    """The size of a source's content when it is known before reading (uncompressed)."""
    return None if source.compressed else source.size


def check_size(source: Source, limit: int, setting: str) -> None:
    """Fail early, before reading, when an uncompressed stored file is over a limit."""
    if source.size is not None and not source.compressed and source.size > limit:
        raise ReadError(
            source.name, f"too large: {source.size} bytes exceeds {setting} ({limit} bytes)"
        )
