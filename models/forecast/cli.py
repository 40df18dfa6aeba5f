"""`hub forecast evaluate`: the arrival forecast against seasonal-naive on held-out weeks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="forecast", help="Call-arrival forecast: evaluate on held-out weeks.", no_args_is_help=True)


@app.command()
def evaluate(
    warehouse: Annotated[Path | None, typer.Option(help="DuckDB warehouse (default: settings.warehouse_path)")] = None,
    weeks: Annotated[int, typer.Option(min=1, help="held-out weeks, the last ones of history")] = 4,
    relation: Annotated[str, typer.Option(help="queue-interval history")] = "marts.fct_queue_intervals",
    min_improvement: Annotated[float, typer.Option(help="exit 1 when WAPE is not this much lower than seasonal-naive")] = 0.0,
) -> None:
    """Train on the past, forecast each held-out week, print WAPE and MAPE of the model and of
    seasonal-naive (same interval last week) and the improvement. Reads the warehouse only."""
    import duckdb

    from hub import warehouse as hub_warehouse
    from models.forecast.evaluate import evaluate as run
    from models.forecast.features import load_history

    path = warehouse or get_settings().warehouse_path
    if not Path(path).exists():
        typer.echo(f"{path}: no warehouse; run `hub build` first", err=True)
        raise typer.Exit(code=2)
    con = hub_warehouse.connect(get_settings(), read_only=True, path=path)
    try:
        history = load_history(con, relation)
    except (ValueError, duckdb.CatalogException) as error:
        typer.echo(f"{path}: {error}", err=True)
        raise typer.Exit(code=2) from error
    finally:
        con.close()
    try:
        report = run(history, weeks)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    for line in report.lines():
        typer.echo(line)
    if report.wape_improvement < min_improvement:
        typer.echo(f"below target: WAPE improvement {report.wape_improvement:.1%} (min {min_improvement:.0%})", err=True)
        raise typer.Exit(code=1)
