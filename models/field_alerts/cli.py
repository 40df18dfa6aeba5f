"""`hub alerts`: run the field early warning, and evaluate it against the simulator's defects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="alerts", help="Field alerts for R&D: run the early warning, evaluate it.", no_args_is_help=True)

WarehouseOption = Annotated[Path | None, typer.Option(help="DuckDB warehouse (default: settings.warehouse_path)")]


def _warehouse(warehouse: Path | None) -> Path:
    path = Path(warehouse or get_settings().warehouse_path)
    if not path.exists():
        typer.echo(f"{path}: no warehouse; run `hub build` first", err=True)
        raise typer.Exit(code=2)
    return path


@app.command("run")
def run_command(warehouse: WarehouseOption = None) -> None:
    """Detect on the marts and write models.field_alerts and its evidence (hub build does this too)."""
    from models.field_alerts.run import run

    result = run(_warehouse(warehouse))
    typer.echo(f"{len(result.detection.alerts)} alerts as of {result.data.end}: {result.open_by_state()}")


@app.command()
def evaluate(
    warehouse: WarehouseOption = None,
    truth_dir: Annotated[Path | None, typer.Option(help="simulator truth folder (default: settings.truth_dir)")] = None,
    min_found: Annotated[float, typer.Option(help="exit 1 when the share of defects found is below this")] = 0.0,
    max_median_days: Annotated[float, typer.Option(help="exit 1 when the median delay is above this")] = 1e9,
    max_false_per_month: Annotated[float, typer.Option(help="exit 1 when false alarms per month exceed this")] = 1e9,
) -> None:
    """Backtest: share of injected defects found, median days from onset to alert, false alarms per month.

    Reads the warehouse read-only (the detection is replayed, nothing is written).
    """
    from models.field_alerts.detection import DetectionConfig
    from models.field_alerts.evaluation import evaluate as score
    from models.field_alerts.evaluation import load_defects
    from models.field_alerts.run import run

    path = _warehouse(warehouse)
    try:
        defects = load_defects(truth_dir or get_settings().truth_dir)
    except FileNotFoundError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    config = DetectionConfig()
    result = run(path, config, write=False)
    report = score(result.detection, defects, result.data.start, result.data.end, config.window_days)
    typer.echo(f"warehouse {path}: {result.data.start} .. {result.data.end}, {len(result.detection.alerts)} alerts")
    for line in report.lines():
        typer.echo(line)
    median = report.median_days_to_alert
    if (report.share_found < min_found or report.false_alarms_per_month > max_false_per_month
            or (median is not None and median > max_median_days)):
        typer.echo("below target", err=True)
        raise typer.Exit(code=1)
