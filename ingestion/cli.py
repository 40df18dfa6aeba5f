"""`hub simulate` and `hub ingest`: plugged into the hub CLI through entry points."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.settings import get_settings

# `hub ingest` exit codes: 0 every file loaded (rows may be quarantined), 1 a file does not
# reconcile (rows unaccounted for), 3 some files were refused whole and the others loaded.
REFUSED_EXIT = 3


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
        list[str] | None,
        typer.Option(help="only these sources (crm, acd, ticketing, telematics; ops: the contact engine's "
                          "write-backs, not loaded unless named); repeatable"),
    ] = None,
    report: Annotated[bool, typer.Option(help="print every file's ledger line")] = False,
) -> None:
    """Load new landing files into the warehouse's raw schema, quarantining bad rows."""
    from ingestion.contracts import OPS_SOURCE, SOURCES
    from ingestion.load import ingest as run

    unknown = sorted(set(source or ()) - {*SOURCES, OPS_SOURCE})
    if unknown:
        known = ", ".join((*SOURCES, OPS_SOURCE))
        raise typer.BadParameter(f"unknown source {', '.join(unknown)}; known: {known}", param_hint="--source")
    settings = get_settings()
    result = run(settings, sources=tuple(source) if source else None, progress=True)
    typer.echo(result.describe(per_file=report))
    if not result.reconciles:
        raise typer.Exit(code=1)
    if result.refused:
        # Every other file loaded; these wait for a fixed re-send (their ledger lines say why).
        typer.echo(f"{len(result.refused)} file(s) refused: nothing loaded from them", err=True)
        raise typer.Exit(code=REFUSED_EXIT)




def quarantine(
    file: Annotated[str | None, typer.Option(help="only this file (a name, or a LIKE pattern: 'phones_%')")] = None,
    rule: Annotated[
        str | None,
        typer.Option(help="only this rule: required, type, integer, decimal, timestamp, nested, allowed, range, "
                          "max_length, identifier, malformed, truncated, encoding or key_conflict"),
    ] = None,
    limit: Annotated[int, typer.Option(help="sample lines shown per file, field and rule")] = 3,
) -> None:
    """List quarantined rows grouped by file, field and rule, with masked samples."""
    from ingestion.quarantine import describe_quarantine

    typer.echo(describe_quarantine(get_settings(), file=file, rule=rule, limit=limit))
