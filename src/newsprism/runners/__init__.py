"""Runners: where the ingest stages run. ``local`` (this process, :mod:`newsprism.pipeline`) or
``spark`` (an Apache Spark cluster or ``local[N]``, :mod:`newsprism.runners.spark`; needs the
``spark`` extra).

Both run the library's own stage functions over batches and give the same stories; the Spark
runner only distributes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from newsprism.errors import ConfigError, MissingExtraError

if TYPE_CHECKING:
    from newsprism.config import Settings
    from newsprism.pipeline import IngestReport, ProgressCallback
    from newsprism.store import Store
    from newsprism.stories import RebuildReport

RUNNERS = ("local", "spark")
SPARK_INSTALL = "pip install 'newsprism[spark]'"
SPARK_MISSING = f"the Spark runner needs the spark extra: {SPARK_INSTALL}"

F = TypeVar("F", bound=Callable[..., Any])


def require_spark() -> None:
    """Raise ``MissingExtraError`` (one line, with the install command) without pyspark."""
    import importlib

    try:
        for name in ("pyspark", "pyarrow", "pandas"):
            importlib.import_module(name)
    except ImportError as exc:
        raise MissingExtraError(SPARK_MISSING) from exc


def add_runner_options(command: F) -> F:
    """``--runner local|spark``, ``--master URL`` and ``--output-parquet DIR`` for a command."""
    command = click.option(
        "--output-parquet",
        "output_parquet",
        default=None,
        metavar="DIR",
        help="Spark runner: write articles, stories and failures as Parquet under DIR "
        "instead of the store.",
    )(command)
    command = click.option(
        "--master",
        default="local[2]",
        show_default=True,
        help="Spark runner: the Spark master (local[N], spark://host:port, yarn, ...).",
    )(command)
    command = click.option(
        "--runner",
        type=click.Choice(RUNNERS),
        default="local",
        show_default=True,
        help="Where the stages run: this process (local) or Apache Spark (spark extra).",
    )(command)
    return command


def run_ingest(
    runner: str,
    paths: Iterable[str],
    store: Store,
    settings: Settings,
    *,
    master: str = "local[2]",
    analyze: bool = True,
    cluster: bool = True,
    output_parquet: str | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest ``paths`` with the named runner; both return the local runner's ``IngestReport``."""
    if runner == "local":
        if output_parquet:
            raise ConfigError("--output-parquet needs --runner spark")
        from newsprism.pipeline import ingest

        return ingest(paths, store, settings, analyze=analyze, cluster=cluster, progress=progress)
    if runner == "spark":
        require_spark()
        from newsprism.runners.spark import run_spark_ingest

        return run_spark_ingest(
            list(paths),
            output_parquet or store,
            settings,
            master=master,
            analyze=analyze,
            cluster=cluster,
            progress=progress,
        )
    raise ConfigError(f"unknown runner {runner!r} (choose from {', '.join(RUNNERS)})")


def run_cluster(
    runner: str, store: Store, settings: Settings, *, master: str = "local[2]"
) -> RebuildReport:
    """Re-cluster every stored article: ``rebuild_stories`` here, or time blocks on Spark."""
    if runner == "local":
        from newsprism.stories import rebuild_stories

        return rebuild_stories(store, settings)
    if runner == "spark":
        require_spark()
        from newsprism.runners.spark import run_spark_cluster

        return run_spark_cluster(store, settings, master=master)
    raise ConfigError(f"unknown runner {runner!r} (choose from {', '.join(RUNNERS)})")


__all__ = [
    "RUNNERS",
    "SPARK_INSTALL",
    "SPARK_MISSING",
    "add_runner_options",
    "require_spark",
    "run_cluster",
    "run_ingest",
]
