"""``newsprism ingest``: read, clean, analyze and store articles; assign stories."""

from __future__ import annotations

import sys

import click

from newsprism.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, Context, db_option, fail, format_option
from newsprism.cli.output import progress_bar
from newsprism.errors import NewsprismError
from newsprism.runners import add_runner_options, run_ingest
from newsprism.serialize import dumps


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@format_option("text", "json")
@click.option("--no-analyze", is_flag=True, help="Store cleaned articles without analysis.")
@click.option("--no-stories", is_flag=True, help="Do not assign stories.")
@add_runner_options
@click.pass_obj
def ingest_command(
    obj: Context, paths: tuple[str, ...], db: str | None, fmt: str, no_analyze: bool,
    no_stories: bool, runner: str, master: str, output_parquet: str | None,
) -> None:  # fmt: skip
    """Read PATHS (files, directories, or - for stdin) into the store."""
    from newsprism.store import open_store

    try:
        settings = obj.settings(db=db)
        store = open_store(settings.db)
    except NewsprismError as exc:
        fail(str(exc))
    with store, progress_bar("ingesting", enabled=fmt == "text") as advance:
        try:
            report = run_ingest(
                runner, paths, store, settings, master=master, analyze=not no_analyze,
                cluster=not no_stories, output_parquet=output_parquet, progress=advance,
            )  # fmt: skip
        except NewsprismError as exc:
            fail(str(exc))
    if fmt == "json":
        click.echo(
            dumps(
                {
                    "read": report.read,
                    "new": report.new,
                    "duplicate": report.duplicate,
                    "failed": [{"where": f.where, "reason": f.reason} for f in report.failed],
                    "stories_touched": len(report.stories_touched),
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
