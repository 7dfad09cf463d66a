"""The error hierarchy. Every error message is one line that names what failed and why."""

from __future__ import annotations


class NewsprismError(Exception):
    """Base class of every error newsprism raises on purpose."""


class ConfigError(NewsprismError):
    """A setting is unknown or has a bad value."""


class ReadError(NewsprismError):
    """A file or record could not be read. ``where`` names the file and record."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class CleanError(NewsprismError):
    """A document could not be turned into an article (no text left, say)."""


class StoreError(NewsprismError):
    """The store could not be opened, migrated or written."""


class StoreUnavailableError(StoreError):
    """The store cannot be written at all (a read-only file, folder or file system, a full
    disk, a file that cannot be opened): no later batch could be stored either, so an ingest
    stops at the first batch that meets it. Batches stored before are kept."""


class StoreReadOnlyError(StoreUnavailableError):
    """The store's file, folder or file system is read-only."""


class StoreFullError(StoreUnavailableError):
    """The disk (or the store's size limit) is full."""


class FetchError(NewsprismError):
    """A URL could not be fetched, or was refused by the fetch policy. Names the URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class AnalyzeError(NewsprismError):
    """The analysis of an article failed."""


class MissingExtraError(NewsprismError):
    """An optional extra is needed; the message gives the install command."""
