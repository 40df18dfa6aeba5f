"""`hub build`: materialise every asset and run every check in this process, with progress.

The same job the schedules and the landing sensor start, executed without a daemon; the
run is recorded in DAGSTER_HOME (default <data dir>/dagster), so `dagster dev` shows it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from hub import log
from hub.settings import get_settings


def build(
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="rebuild incremental models from raw (the nightly build)")
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(help="only these assets, in Dagster's selection syntax (e.g. 'group:marts'); repeatable"),
    ] = None,
) -> None:
    """Ingest new landing files, build the dbt project, run the quality gate and publish."""
    log.configure()
    console = Console(stderr=True)
    settings = get_settings()

    from orchestration.lib.environment import ensure_dagster_home

    ensure_dagster_home(settings)
    with console.status("loading the Dagster definitions"):
        import dagster as dg

        from orchestration.defs.pipeline.jobs import build_run_config
        from orchestration.definitions import defs
        from orchestration.lib.build import run_build
        from orchestration.lib.progress import BuildProgress

    instance = dg.DagsterInstance.get()
    kind = "full_refresh" if full_refresh else "incremental"
    summary = run_build(
        defs,
        instance,
        build_run_config(full_refresh),
        select=select,
        tags={"hub/build": kind, "hub/launched_by": "hub build"},
        watch=BuildProgress(instance, console),
    )
    typer.echo(summary.describe())
    if not summary.ok:
        raise typer.Exit(code=1)
