"""`hub cases`: fit the similar-cases index, and evaluate it on held-out work orders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="cases", help="Similar past cases: fit the index, evaluate it.", no_args_is_help=True)

WarehouseOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse (default: settings.warehouse_path)")]


def _warehouse(warehouse: Path | None) -> Path:
    path = Path(warehouse or get_settings().warehouse_path)
    if not path.exists():
        typer.echo(f"{path}: no warehouse; run `hub build` first", err=True)
        raise typer.Exit(code=2)
    return path


@app.command("fit")
def fit_command(warehouse: WarehouseOption = None) -> None:
    """Fit on every resolved case and write models.similar_case_terms / _idf (hub build does this too)."""
    from models.similar_cases.run import run

    typer.echo(run(_warehouse(warehouse)))


@app.command()
def evaluate(
    warehouse: WarehouseOption = None,
    truth_dir: Annotated[Path | None, typer.Option(help="simulator truth folder (default: settings.truth_dir)")] = None,
    k: Annotated[int, typer.Option(help="how many cases an agent sees")] = 5,
    min_hit_rate: Annotated[float, typer.Option(help="exit 1 below this top-k hit rate")] = 0.0,
) -> None:
    """Train on the past, query with later work orders: share whose right resolution is in the top k."""
    from hub import warehouse as hub_warehouse
    from models.similar_cases.evaluation import evaluate as score
    from models.similar_cases.evaluation import true_faults
    from models.similar_cases.run import load_cases

    try:
        faults = true_faults(truth_dir or get_settings().truth_dir)
    except FileNotFoundError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    with hub_warehouse.connect(get_settings(), read_only=True, path=_warehouse(warehouse)) as con:
        cases = load_cases(con)
    report = score(cases, faults, k=k)
    for line in report.lines():
        typer.echo(line)
    if report.hit_rate < min_hit_rate:
        typer.echo(f"below target: {report.hit_rate:.3f} < {min_hit_rate}", err=True)
        raise typer.Exit(code=1)
