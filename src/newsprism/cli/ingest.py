"""``newsprism ingest``: read, clean, analyze and store articles; assign stories."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import click

from newsprism.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, Context, db_option, fail, format_option
from newsprism.cli.output import progress_bar
from newsprism.errors import NewsprismError, StoreUnavailableError
from newsprism.runners import add_runner_options, run_ingest
from newsprism.serialize import dumps


class _WarningLines(logging.Handler):
    """Library log records as ``warning: …`` (``error: …``) lines on standard error (without
    ``-v`` the CLI shows only errors from the library's logs, and not its warnings)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


@contextmanager
def warning_lines(logger_name: str, *, enabled: bool) -> Iterator[None]:
    """Within this block, warnings logged under ``logger_name`` are printed as one line each."""
    if not enabled:
        yield
        return
    logger = logging.getLogger(logger_name)
    handler, level, propagate = _WarningLines(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _unusable(path: str) -> str | None:
    """Why a local path given to ``ingest`` cannot be read at all (as the reader words it),
    or None. Standard input (``-``) is always usable."""
    if path == "-":
        return None
    if not os.path.lexists(path):
        return "no such file or directory"
    if not os.path.exists(path):
        return "broken symbolic link"
    if not (os.path.isdir(path) or os.path.isfile(path)):
        return "not a regular file or folder"
    return None


def _holds_no_file(path: str) -> bool:
    """Whether ``path`` is a folder with nothing in it that is not hidden but folders holding
    nothing either (a linked folder counts as something: it may lead to files)."""
    if not os.path.isdir(path):
        return False
    for top, folders, files in os.walk(path):
        if any(not name.startswith(".") for name in files):
            return False
        folders[:] = [f for f in folders if not f.startswith(".")]
        if any(os.path.islink(os.path.join(top, f)) for f in folders):
            return False
    return True


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@format_option("text", "json")
@click.option("--no-analyze", is_flag=True, help="Store cleaned articles without analysis.")
@click.option("--no-stories", is_flag=True, help="Do not assign stories.")
@click.option(
    "--fetch",
    is_flag=True,
    help="Download http(s) URLs given as PATHS (feeds, pages) under a safe fetch policy.",
)
@click.option(
    "--allow-private-addresses",
    "allow_private",
    is_flag=True,
    help="With --fetch: allow loopback, private and link-local addresses (refused by default).",
)
@click.option(
    "--fetch-linked-articles",
    "linked",
    is_flag=True,
    help="With --fetch: also download the article each feed entry links to.",
)
@add_runner_options
@click.pass_obj
def ingest_command(
    obj: Context, paths: tuple[str, ...], db: str | None, fmt: str, no_analyze: bool,
    no_stories: bool, fetch: bool, allow_private: bool, linked: bool, runner: str, master: str,
    output_parquet: str | None,
) -> None:  # fmt: skip
    """Read PATHS (files, directories, - for stdin, or URLs with --fetch) into the store."""
    from newsprism.read.base import printable
    from newsprism.read.fetch import FetchPolicy, fetching, is_url
    from newsprism.store import open_store

    urls = [p for p in paths if is_url(p)]
    if urls and not fetch:
        fail(f"{urls[0]}: a URL; add --fetch to download it")
    if (allow_private or linked) and not fetch:
        fail("--allow-private-addresses and --fetch-linked-articles need --fetch")
    if urls and runner != "local":
        fail("--fetch needs --runner local")
    try:
        settings = obj.settings(db=db)
    except NewsprismError as exc:
        fail(str(exc))
    # a run that can read nothing fails before the store is opened: it never creates one
    unusable = [(p, why) for p in paths if not is_url(p) and (why := _unusable(p)) is not None]
    empty = [p for p in paths if _holds_no_file(p)]
    if len(unusable) + len(empty) == len(paths):
        for path, why in unusable:
            click.echo(f"failed: {printable(path)}: {why}", err=True)
        if not empty:
            fail("nothing to read; the store was not opened")
        fail(
            f"no files found under {printable(', '.join(empty))} "
            "(hidden files and files of no known format are skipped)"
        )
    try:
        store = open_store(settings.db)
    except NewsprismError as exc:
        fail(str(exc))
    stored = 0
    with store, progress_bar("ingesting", enabled=fmt == "text") as advance:

        def progress(event: str, n: int) -> None:
            nonlocal stored
            stored += n if event == "stored" else 0
            advance(event, n)

        policy = FetchPolicy(allow_private=allow_private, linked_articles=linked)
        try:
            with (
                fetching(policy) if urls else nullcontext(),
                warning_lines("newsprism.read.fetch", enabled=bool(urls) and obj.verbose == 0),
            ):
                report = run_ingest(
                    runner, paths, store, settings, master=master, analyze=not no_analyze,
                    cluster=not no_stories, output_parquet=output_parquet, progress=progress,
                )  # fmt: skip
        except StoreUnavailableError as exc:
            fail(f"{exc} [{stored} article(s) stored before it]")
        except NewsprismError as exc:
            fail(str(exc))
    if report.read == 0 and not report.failed:
        fail(
            f"no files found under {', '.join(paths)} "
            "(hidden files and files of no known format are skipped)"
        )
    if fmt == "json":
        click.echo(
            dumps(
                {
                    "read": report.read,
                    "new": report.new,
                    "duplicate": report.duplicate,
                    "failed": [{"where": f.where, "reason": f.reason} for f in report.failed],
                    "stories_touched": len(report.stories_touched),
                    "unit_vectors": report.unit_vectors,
                    "db": settings.db,
                },
                indent=2,
            )
        )
    else:
        for failure in report.failed:
            click.echo(f"failed: {failure}", err=True)
        click.echo(
            f"read {report.read}, new {report.new}, duplicate {report.duplicate}, "
            f"failed {len(report.failed)} → {settings.db}"
        )
    if report.failed:
        sys.exit(EXIT_ERROR if report.read == 0 else EXIT_PARTIAL)
    sys.exit(EXIT_OK)
