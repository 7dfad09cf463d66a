"""Settings: every one declared once, with its unit in its name and a help text.

Precedence: packaged defaults < config file (TOML, ``--config`` or ``newsprism.toml`` in the
working directory) < ``NEWSPRISM_*`` environment variables < explicit overrides (CLI flags).
Unknown keys are an error with a hint.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(slots=True, frozen=True)
class Settings:
    db: str = _setting("newsprism.db", "Store: an SQLite file path (or a postgresql:// URL).")
    max_record_bytes: int = _setting(
        50_000_000, "Largest single record (decompressed) a reader accepts; larger ones fail."
    )
    max_file_bytes: int = _setting(
        2_000_000_000, "Largest input file (decompressed) a reader will read."
    )
    min_body_chars: int = _setting(
        40, "Articles with less clean text than this are rejected as empty."
    )
    follow_symlinks: bool = _setting(
        False, "Follow symbolic links that point outside a directory being ingested."
    )
    max_clean_seconds: float = _setting(
        30.0, "Longest time cleaning one record may take; a slower one fails (0: no limit)."
    )
    batch_size: int = _setting(200, "Articles written per store transaction.")
    window_days: int = _setting(
        7, "Story clustering: how far apart (days) two articles of one story may be published."
    )
    unit_vectors: bool = _setting(
        True,
        "Ingest: store the sentence vectors of the articles of stories with two or more "
        "articles, so that comparing a stored story does not encode them again.",
    )
    workers: int = _setting(
        1,
        "Processes the local runner uses for cleaning and analysis (1: all in this process; "
        "set it to the number of cores to use them all).",
    )

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def setting_help() -> dict[str, str]:
    return {f.name: str(f.metadata["help"]) for f in fields(Settings)}


def _coerce(name: str, value: Any, origin: str) -> Any:
    kind = type(getattr(Settings(), name))
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin}: setting {name!r} expects {kind.__name__}, got {value!r}"
        ) from None


def _check_known(keys: Any, origin: str) -> None:
    known = [f.name for f in fields(Settings)]
    for key in keys:
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            more = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"{origin}: unknown setting {key!r}{more}")


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the effective settings from every layer."""
    settings = Settings()
    path = Path(config_file) if config_file else Path("newsprism.toml")
    if config_file or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        section = data.get("newsprism", data)
        _check_known(section, str(path))
        settings = replace(settings, **{k: _coerce(k, v, str(path)) for k, v in section.items()})
    env = os.environ if environ is None else environ
    from_env = {
        k[len("NEWSPRISM_") :].lower(): v for k, v in env.items() if k.startswith("NEWSPRISM_")
    }
    from_env.pop("home", None)
    if from_env:
        _check_known(from_env, "environment NEWSPRISM_*")
        settings = replace(
            settings, **{k: _coerce(k, v, f"NEWSPRISM_{k.upper()}") for k, v in from_env.items()}
        )
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if given:
        _check_known(given, "option")
        settings = replace(settings, **{k: _coerce(k, v, f"--{k}") for k, v in given.items()})
    return settings
