"""`hub leads evaluate`: how well lead cleaning matches the simulator's truth (the list: `hub marketing leads`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="leads", help="Sales leads: lead cleaning against the simulator's truth (docs/marketing.md).",
                  no_args_is_help=True)


@app.command()
def evaluate(
    warehouse: Annotated[Path | None, typer.Option(help="DuckDB warehouse (default: settings.warehouse_path)")] = None,
    truth_dir: Annotated[Path | None, typer.Option(help="simulator truth folder (default: settings.truth_dir)")] = None,
) -> None:
    """Precision and recall of lead -> customer matches and of repeat leads, against the simulator's truth."""
    from models.leads.evaluation import evaluate as run

    settings = get_settings()
    warehouse = warehouse or settings.warehouse_path
    if not Path(warehouse).exists():
        typer.echo(f"{warehouse}: no warehouse; run `hub build` first", err=True)
        raise typer.Exit(code=2)
    try:
        report = run(Path(warehouse), truth_dir or settings.truth_dir)
    except (FileNotFoundError, ValueError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    for line in report.lines():
        typer.echo(line)

