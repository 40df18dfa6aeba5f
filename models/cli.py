"""`hub models`: train every model on the warehouse, and print held-out metrics."""

from __future__ import annotations

import typer

from hub.settings import get_settings

app = typer.Typer(name="models", help="Churn, value, cross-sell and lifecycle models (docs/models.md).",
                  no_args_is_help=True)


@app.command()
def train() -> None:
    """Retrain every model now and write its output (as the weekly schedule does), printing each run."""
    from hub import warehouse
    from models.train import train_all

    settings = get_settings()
    with warehouse.connect(settings) as con:
        for run in train_all(con, settings):
            typer.echo(run.line())


@app.command()
def evaluate(
    record: bool = typer.Option(True, help="keep the ceilings next to the latest runs (models.model_ceilings)"),
) -> None:
    """Held-out metrics: each model's latest in-data backtest, then its scores against the simulator's truth,
    with each model's ceiling (the truth's own signal on the same customers) and the ratio."""
    from hub import warehouse
    from models.evaluation import truth_evaluation
    from models.runs import latest_runs, record_ceilings

    settings = get_settings()
    with warehouse.connect(settings, read_only=not (record and settings.truth_dir.exists())) as con:
        runs = latest_runs(con)
        typer.echo("in-data backtest (train on [T-2h, T-h), score [T-h, T)) of the latest runs:")
        for row in runs.itertuples():
            state = "published" if row.published else f"not published: {row.reason}"
            typer.echo(f"  {row.model} (cut-off {row.cutoff_date}, {state}): {row.metrics}")
        if settings.truth_dir.exists():
            typer.echo("against the simulator's truth after the last day of data:")
            lines, ceilings = truth_evaluation(con, settings.truth_dir)
            for line in lines:
                typer.echo(f"  {line}")
            if record and ceilings:
                kept = record_ceilings(con, dict(zip(runs["model"], runs["run_id"], strict=True)), ceilings)
                typer.echo(f"ceilings kept with their runs in models.model_ceilings: {kept}")
