"""``iter_documents``: files, directories and standard input to ``RawDoc``s and ``Failure``s.

Nothing escapes as an exception: every problem is a one-line ``Failure`` naming the file (and
the record) and the reason, and reading goes on with the next record or file.

Directories are read recursively in name order. Hidden files and folders (a name starting with
``.``) are skipped. Files with an extension of no known format are skipped with a log note, as
are extensionless files whose content is no known format; a file with a known extension that
turns out unreadable (binary, empty, broken) is a failure. Symbolic links that lead outside
the directory are not followed unless ``settings.follow_symlinks``; a file or folder reached
twice through links is read once. A path given explicitly is always read, whatever its name.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, RawDoc
from newsprism.read.base import (
    HEAD_BYTES,
    Source,
    one_line,
    open_content,
    printable,
    read_head,
    readers,
)
from newsprism.read.decode import looks_binary
from newsprism.read.sniff import EXTENSIONS, detect_reader, extension

logger = logging.getLogger(__name__)

STDIN = "-"
_SPOOL_IN_MEMORY = 8 << 20


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or one_line(exc) or type(exc).__name__).lower()


def _guarded(name: str, source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """Run one reader over one source; what it raises becomes a ``Failure`` (the boundary)."""
    try:
        yield from readers.get(name)(source, settings)
    except ReadError as exc:
        yield Failure(exc.where, one_line(exc.reason))
    except OSError as exc:
        yield Failure(source.name, f"cannot read: {_os_reason(exc)}")
    except Exception as exc:
        logger.exception("%s: reader %s failed", source.name, name)
        yield Failure(
            source.name, f"unexpected error in {name}: {type(exc).__name__}: {one_line(exc)}"
        )


def _head(source: Source, settings: Settings) -> tuple[bytes, ReadError | None]:
    """The start of the (decompressed) content and the error that cut it short, if any.

    When that is the whole of a small uncompressed file, the source keeps it, and the reader
    reads it from memory instead of opening the file again."""
    with open_content(source, settings) as stream:
        head, error = read_head(stream, HEAD_BYTES)
    if error is None and not source.compressed and len(head) < HEAD_BYTES:
        source.open_raw = functools.partial(io.BytesIO, head)
    return head, error


def read_source(
    source: Source, settings: Settings, in_directory: bool = False
) -> Iterator[RawDoc | Failure]:
    """Choose the reader for one source from its name and first bytes, and run it."""
    try:
        head, error = _head(source, settings)
    except OSError as exc:
        yield Failure(source.name, f"cannot read: {_os_reason(exc)}")
        return
    path = Path(source.name)
    if not head:
        if error is not None:
            yield Failure(error.where, error.reason)
        elif in_directory and not extension(path):
            logger.info("skipped %s: empty file of no known format", source.name)
        else:
            yield Failure(source.name, "empty file")
        return
    name = detect_reader(path, head)
    if name is None:
        binary = looks_binary(head)
        if in_directory:
            kind = "binary data" if binary else "not a known article format"
            logger.info("skipped %s: %s", source.name, kind)
            return
        reason = (
            "binary data, not text"
            if binary
            else "unknown format: no text, HTML, JSON, feed or WARC"
        )
        yield Failure(source.name, reason)
        return
    logger.debug("%s: read with %s", source.name, name)
    yield from _guarded(name, source, settings)


def _file_source(name: str, path: Path) -> Source:
    def open_raw() -> BinaryIO:
        return open(path, "rb")

    return Source(name, open_raw, path.stat().st_size)


def _read_file(name: str, settings: Settings, in_directory: bool) -> Iterator[RawDoc | Failure]:
    path = Path(name)
    ext = extension(path)
    if in_directory and ext and ext not in EXTENSIONS:
        logger.info("skipped %s: %s is not a known article format", name, ext)
        return
    try:
        source = _file_source(name, path)
    except OSError as exc:
        yield Failure(name, f"cannot read: {_os_reason(exc)}")
        return
    yield from read_source(source, settings, in_directory)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _walk(given: str, settings: Settings) -> Iterator[RawDoc | Failure]:
    root = os.path.realpath(given)
    seen_dirs = {root}
    seen_files: set[str] = set()

    def visit(folder: str) -> Iterator[RawDoc | Failure]:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield Failure(folder, f"cannot list folder: {_os_reason(exc)}")
            return
        real_folder = os.path.realpath(folder)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            # Only a link needs resolving: any other entry is its name in the real folder.
            link = entry.is_symlink()
            real = os.path.realpath(entry.path) if link else os.path.join(real_folder, entry.name)
            if link:
                if not os.path.exists(real):
                    yield Failure(entry.path, "broken symbolic link")
                    continue
                if not _inside(real, root) and not settings.follow_symlinks:
                    logger.info(
                        "skipped %s: symbolic link to %s, outside %s (see follow_symlinks)",
                        entry.path,
                        real,
                        given,
                    )
                    continue
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError as exc:
                yield Failure(entry.path, f"cannot read: {_os_reason(exc)}")
                continue
            if is_dir:
                if real in seen_dirs:
                    logger.info("skipped %s: folder already read (%s)", entry.path, real)
                    continue
                seen_dirs.add(real)
                yield from visit(entry.path)
            elif is_file:
                if real in seen_files:
                    logger.info("skipped %s: file already read (%s)", entry.path, real)
                    continue
                seen_files.add(real)
                yield from _read_file(entry.path, settings, in_directory=True)
            else:
                logger.info("skipped %s: not a regular file", entry.path)

    yield from visit(given)


def _copy(source: BinaryIO, target: IO[bytes], limit: int) -> int:
    """Copy at most ``limit`` bytes; the number copied."""
    copied = 0
    while copied < limit:
        chunk = source.read(min(1 << 20, limit - copied))
        if not chunk:
            break
        target.write(chunk)
        copied += len(chunk)
    return copied


def _read_stdin(settings: Settings) -> Iterator[RawDoc | Failure]:
    """Standard input, spooled (in memory up to 8 MiB, then to a temporary file) so that its
    format can be sniffed and readers may read it more than once."""
    stream: BinaryIO = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin  # type: ignore[assignment]
    limit = settings.max_file_bytes
    data = stream.read(_SPOOL_IN_MEMORY + 1)
    spool_path: str | None = None
    try:
        if len(data) > _SPOOL_IN_MEMORY:
            with tempfile.NamedTemporaryFile("wb", prefix="newsprism-stdin-", delete=False) as tmp:
                spool_path = tmp.name
                tmp.write(data)
                size = len(data) + _copy(stream, tmp, limit + 1 - len(data))
            if size > limit:
                yield Failure(STDIN, f"too large: input exceeds max_file_bytes ({limit} bytes)")
                return
            kept = spool_path

            def open_raw() -> BinaryIO:
                return open(kept, "rb")

        else:
            size = len(data)

            def open_raw() -> BinaryIO:
                return io.BytesIO(data)

        yield from read_source(Source(STDIN, open_raw, size), settings)
    finally:
        if spool_path is not None:
            os.unlink(spool_path)


def _read_path(given: str, settings: Settings) -> Iterator[RawDoc | Failure]:
    if given == STDIN:
        yield from _read_stdin(settings)
    elif not os.path.lexists(given):
        yield Failure(given, "no such file or directory")
    elif not os.path.exists(given):
        yield Failure(given, "broken symbolic link")
    elif os.path.isdir(given):
        yield from _walk(given, settings)
    elif os.path.isfile(given):
        yield from _read_file(given, settings, in_directory=False)
    else:
        yield Failure(given, "not a regular file or folder")


def iter_documents(
    paths: Iterable[str], settings: Settings | None = None
) -> Iterator[RawDoc | Failure]:
    """Read every path (a file, a folder read recursively, or ``-`` for standard input) and
    yield one ``RawDoc`` per document found, or a ``Failure`` for what could not be read."""
    settings = settings or Settings()
    if isinstance(paths, str | os.PathLike):
        paths = [os.fspath(paths)]
    for given in paths:
        given = os.fspath(given)
        try:
            for item in _read_path(given, settings):
                yield _one_line(item) if isinstance(item, Failure) else item
        except Exception as exc:  # the boundary: log it, count it, go on
            logger.exception("%s: reading failed", given)
            yield Failure(
                printable(given), f"unexpected error: {type(exc).__name__}: {one_line(exc)}"
            )


def _one_line(failure: Failure) -> Failure:
    """A failure whose file name (a name may hold a newline) and reason fit on one line."""
    where, reason = printable(failure.where), one_line(failure.reason)
    if where == failure.where and reason == failure.reason:
        return failure
    return Failure(where, reason)
