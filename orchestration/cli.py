"""`hub build`: materialise every asset and run every check in this process, with progress.

The same job the schedules and the landing sensor start, executed without a daemon; the
run is recorded in DAGSTER_HOME (default <data dir>/dagster), so `dagster dev` shows it.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from hub import log
from hub.settings import get_settings


def quiet_dagster_logs() -> dict:
    """Run config (and logger levels) that keep Dagster's console to warnings and errors.

    Progress comes from the event log (BuildProgress); Dagster's own INFO/DEBUG lines would
    bury it. The run's full event log stays in DAGSTER_HOME for `dagster dev`.
    """
    for name in ("dagster", "dagster.builtin"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("dagster.builtin").addFilter(_SingularTestObservations())
    return {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class _SingularTestObservations(logging.Filter):
    """dagster-dbt warns, six lines each, twice, on every build that it records the singular
    dbt tests spanning several models as observations rather than asset checks. The tests
    still run inside `dbt build` and fail its step when they fail; the note is bookkeeping,
    not news. `hub build --verbose` shows it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "instead of an `AssetCheckResult`" not in record.getMessage()


def build(
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="rebuild incremental models from raw (the nightly build)")
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(help="only these assets, in Dagster's selection syntax (e.g. 'group:marts'); repeatable"),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="also the libraries' INFO logs (Dagster, Great Expectations, alembic, ...)"),
    ] = False,
) -> None:
    """Ingest new landing files, build the dbt project, run the quality gate and publish."""
    log.configure(quiet_libraries=not verbose)
    console = Console(stderr=True)
    settings = get_settings()
    if settings.warehouse_engine != "duckdb":
        # the quality gate and publish read the DuckDB warehouse: a Spark or PostgreSQL dbt
        # build under them would gate and publish a warehouse the build never touched
        console.print(f"[red]hub build builds on DuckDB only; HUB_WAREHOUSE_ENGINE={settings.warehouse_engine} "
                      "is built with dbt directly (docs/scale-out.md)[/red]")
        raise typer.Exit(2)

    from orchestration.lib.environment import ensure_dagster_home

    ensure_dagster_home(settings)
    with console.status("loading the Dagster definitions"):
        import dagster as dg

        from orchestration.defs.pipeline.jobs import build_run_config
        from orchestration.definitions import defs
        from orchestration.lib.build import run_build
        from orchestration.lib.progress import BuildProgress

    run_config = {**build_run_config(full_refresh), **({} if verbose else quiet_dagster_logs())}
    instance = dg.DagsterInstance.get()
    kind = "full_refresh" if full_refresh else "incremental"
    # dagster-dbt echoes dbt's own log to stdout; it goes to a file the summary names.
    build_log = settings.data_dir / "logs" / f"build-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
    build_log.parent.mkdir(parents=True, exist_ok=True)
    with build_log.open("w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        summary = run_build(
            defs,
            instance,
            run_config,
            select=select,
            tags={"hub/build": kind, "hub/launched_by": "hub build"},
            watch=BuildProgress(instance, console),
            executor=settings.dagster_executor,
        )
    typer.echo(summary.describe())
    typer.echo(f"dbt log: {build_log}")
    if not summary.ok:
        raise typer.Exit(code=1)
