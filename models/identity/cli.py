"""`hub identity`: how well the warehouse's identity resolution matches the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="identity", help="Identity resolution: evaluate against the simulator's truth.",
                  no_args_is_help=True)


@app.command()
def evaluate(
    warehouse: Annotated[Path | None, typer.Option(help="DuckDB warehouse (default: settings.warehouse_path)")] = None,
    truth_dir: Annotated[Path | None, typer.Option(help="simulator truth folder (default: settings.truth_dir)")] = None,
    truth: Annotated[Path | None, typer.Option(
        help="CSV of crm_customer_id,entity_id: a labelled sample of your own data, scored instead of the simulator's truth"
    )] = None,
    min_precision: Annotated[float, typer.Option(help="exit 1 when precision is below this")] = 0.0,
    min_recall: Annotated[float, typer.Option(help="exit 1 when recall is below this")] = 0.0,
) -> None:
    """Pairwise precision and recall of "same person" over CRM records, and excluded identifiers by reason."""
    from models.identity.evaluation import evaluate as run

    settings = get_settings()
    warehouse = warehouse or settings.warehouse_path
    if not Path(warehouse).exists():
        typer.echo(f"{warehouse}: no warehouse; run `hub ingest` and the dbt build first", err=True)
        raise typer.Exit(code=2)
    try:
        report = run(Path(warehouse), truth_dir or settings.truth_dir, truth)
    except (FileNotFoundError, ValueError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    for line in report.lines():
        typer.echo(line)
    if report.scores.precision < min_precision or report.scores.recall < min_recall:
        typer.echo(
            f"below target: precision {report.scores.precision:.4f} (min {min_precision}), "
            f"recall {report.scores.recall:.4f} (min {min_recall})",
            err=True,
        )
        raise typer.Exit(code=1)
