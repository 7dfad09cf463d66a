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


class AnalyzeError(NewsprismError):
    """The analysis of an article failed."""


class MissingExtraError(NewsprismError):
    """An optional extra is needed; the message gives the install command."""
