"""The ``newsprism`` command: a thin shell over the library.

Each command parses its options, calls one library function, prints the result, and maps
errors to a one-line message. Exit codes: 0 all good, 1 some records failed, 2 nothing could be
done (bad usage, unreadable store, bad config).
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from newsprism import __version__
from newsprism.config import Settings, load_settings, setting_help
from newsprism.errors import NewsprismError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def db_option(func: F) -> F:
    return click.option(
        "--db", default=None, help="Store file (default: newsprism.db, or NEWSPRISM_DB)."
    )(func)


def since_option(what: str) -> Callable[[F], F]:
    """``--since DATE`` (``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` for their first day)."""
    from newsprism.cli.output import DayPrefix

    def wrap(func: F) -> F:
        return click.option(
            "--since",
            type=DayPrefix(),
            default=None,
            help=f"Only {what} on or after DATE (YYYY-MM-DD; YYYY-MM or YYYY for the first day).",
        )(func)

    return wrap


def format_option(*choices: str) -> Callable[[F], F]:
    def wrap(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return wrap


class Context:
    def __init__(self, config_file: str | None, verbose: int) -> None:
        self.config_file = config_file
        self.verbose = verbose

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.config_file, overrides)


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """The ``newsprism`` group: usage errors (a bad option value, a missing argument) are one
    line, ``error: … (see 'newsprism CMD --help')``, exit 2, like every other error."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()  # ``newsprism`` alone: the help
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(EXIT_OK)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsprism")
@click.option("--config", "config_file", default=None, help="Config file (TOML).")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, verbose: int) -> None:
    """newsprism: one news story through every outlet that reported it."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if verbose == 0:
        logging.getLogger().setLevel(logging.ERROR)
    ctx.obj = Context(config_file, verbose)


@main.group("config")
def config_group() -> None:
    """Settings."""


@config_group.command("show")
@click.pass_obj
def config_show(obj: Context) -> None:
    """Print the effective settings with their help."""
    try:
        settings = obj.settings()
    except NewsprismError as exc:
        fail(str(exc))
    helps = setting_help()
    for name, value in settings.as_dict().items():
        click.echo(f"{name} = {value!r}    # {helps[name]}")


def _register_commands() -> None:
    from newsprism.cli import articles, compare, ingest, serve, stories
    from newsprism.cli import eval as eval_cli

    main.add_command(ingest.ingest_command)
    main.add_command(articles.articles_command)
    main.add_command(articles.search_command)
    main.add_command(articles.show_article_command)
    main.add_command(compare.compare_command)
    main.add_command(stories.stories_command)
    main.add_command(stories.show_command)
    main.add_command(stories.cluster_command)
    main.add_command(eval_cli.eval_command)
    main.add_command(serve.serve_command)


_register_commands()


def run() -> None:
    """The ``newsprism`` console script: :func:`main`, then a quick exit.

    Whatever is alive when the command ends (the parser, word lists, loaded models: hundreds of
    MB of objects) is moved out of the cyclic collector's sight before the interpreter's last
    collection, which would otherwise walk all of it for nothing (0.2 s of a 2 s ``compare``);
    atexit handlers, flushing and closing run as usual. Only the console script does this:
    :func:`main` itself may run inside a longer-lived process (tests, ``CliRunner``)."""
    try:
        main()
    finally:
        gc.freeze()
