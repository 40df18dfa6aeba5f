"""`hub simulate` and `hub ingest`: plugged into the hub CLI through entry points."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.settings import get_settings


def simulate(
    scale: Annotated[str, typer.Option(help="demo (~5,000 customers, 90 days) or bench (1M customers, 1 year)")] = "demo",
    seed: Annotated[int, typer.Option(help="same seed, same files, byte for byte")] = 42,
) -> None:
    """Write what the upstream systems would export, and apart, the ground truth."""
    from ingestion.simulator import simulate as run

    if scale not in ("demo", "bench"):
        raise typer.BadParameter("scale must be demo or bench", param_hint="--scale")
    settings = get_settings()
    summary = run(settings.landing_dir, settings.truth_dir, scale=scale, seed=seed, progress=True)
    typer.echo(summary.describe())


def ingest(
    source: Annotated[
        list[str] | None, typer.Option(help="only these sources (crm, acd, ticketing, telematics); repeatable")
    ] = None,
    report: Annotated[bool, typer.Option(help="print every file's ledger line")] = False,
) -> None:
    """Load new landing files into the warehouse's raw schema, quarantining bad rows."""
    from ingestion.load import ingest as run

    settings = get_settings()
    result = run(settings, sources=tuple(source) if source else None, progress=True)
    typer.echo(result.describe(per_file=report))
    if not result.reconciles:
        raise typer.Exit(code=1)


