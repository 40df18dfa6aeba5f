"""Score: the forecast for the next HORIZON_DAYS days and its Erlang C staffing plan, written
to the warehouse schema `models` with the held-out metrics.

models.call_forecast, one row per queue and interval:
- forecast_kind 'future': the HORIZON_DAYS days after the history, from models trained on
  all of it (one per horizon week: the first week's features lag 7 days, the second's 14);
- forecast_kind 'holdout': the held-out weeks of the evaluation, each forecast by a model
  trained only on the days before its week (dashboards show them beside what arrived).
Staffing per interval: hub.erlang with the queue's AHT over its last AHT_WINDOW_DAYS days and
the default target (80% in 20 s, occupancy at most 85%, shrinkage 30%).

models.call_forecast_metrics, one row per training cut-off (a re-run replaces its row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from hub.erlang import required_agents
from models.forecast import features as F
from models.forecast.evaluate import Evaluation, evaluate
from models.forecast.train import fit, predict

MODEL_NAME = "hgb_poisson_v1"
AHT_WINDOW_DAYS = 28
HELD_OUT_WEEKS = 4
FORECAST_TABLE = "models.call_forecast"
METRICS_TABLE = "models.call_forecast_metrics"


@dataclass
class ForecastRun:
    forecast: pd.DataFrame
    evaluation: Evaluation
    trained_through: pd.Timestamp


def queue_aht(history: pd.DataFrame) -> dict[str, float]:
    """Mean handle seconds per answered call of each queue over its last AHT_WINDOW_DAYS days
    (the whole contact center's where a queue answered nothing)."""
    recent = history[history["interval_start_at"] > history["interval_start_at"].max() - pd.Timedelta(days=AHT_WINDOW_DAYS)]
    sums = recent.groupby("queue_name")[["handle_seconds", "answered_calls"]].sum()
    overall = sums["handle_seconds"].sum() / max(sums["answered_calls"].sum(), 1)
    return {q: (row.handle_seconds / row.answered_calls if row.answered_calls else overall) or 180.0
            for q, row in sums.iterrows()}


def staff(forecast: pd.DataFrame, aht: dict[str, float]) -> pd.DataFrame:
    plans = [required_agents(calls, aht[queue]) for queue, calls in zip(forecast["queue_name"], forecast["forecast_calls"])]
    return forecast.assign(
        aht_seconds=forecast["queue_name"].map(aht),
        agents_required=[p.agents for p in plans],
        agents_scheduled=[p.scheduled_agents for p in plans],
        expected_service_level=[p.service_level for p in plans],
        expected_occupancy=[p.occupancy for p in plans],
    )


def build_forecast(history: pd.DataFrame, weeks: int = HELD_OUT_WEEKS) -> ForecastRun:
    evaluation = evaluate(history, weeks)
    future = F.future_intervals(history)
    # a model per horizon week: days 1-7 see last week, days 8-14 the week before
    week = ((future["interval_start_at"] - history["interval_start_at"].max() - F.INTERVAL) // pd.Timedelta(days=7))
    forecast = pd.Series(0.0, index=future.index)
    for lag_days in (7, 14):
        rows = future[week == lag_days // 7 - 1]
        model = fit(F.frame(history, history, lag_days), history["offered_calls"])
        forecast[rows.index] = predict(model, F.frame(history, rows, lag_days)).to_numpy()
    future = future.assign(forecast_calls=forecast.to_numpy(), seasonal_naive_calls=float("nan"),
                           forecast_kind="future")
    holdout = evaluation.predictions[["queue_name", "interval_start_at", "forecast_calls", "seasonal_naive_calls"]]
    rows = pd.concat([holdout.assign(forecast_kind="holdout"), future], ignore_index=True)
    calendar = F.calendar_features(rows["interval_start_at"])
    rows = rows.assign(interval_date=calendar["local_date"].dt.date, half_hour_of_day=calendar["half_hour_of_day"])
    trained_through = history["interval_start_at"].max() + F.INTERVAL
    rows = staff(rows, queue_aht(history)).assign(model_name=MODEL_NAME, trained_through=trained_through)
    return ForecastRun(forecast=rows, evaluation=evaluation, trained_through=trained_through)


FORECAST_COLUMNS = {
    "queue_name": "varchar", "interval_start_at": "timestamp", "interval_date": "date", "half_hour_of_day": "integer",
    "forecast_kind": "varchar", "forecast_calls": "double", "seasonal_naive_calls": "double", "aht_seconds": "double",
    "agents_required": "integer", "agents_scheduled": "integer", "expected_service_level": "double",
    "expected_occupancy": "double", "model_name": "varchar", "trained_through": "timestamp",
}
METRICS_COLUMNS = {
    "model_name": "varchar", "trained_through": "timestamp", "evaluated_at": "timestamp", "held_out_weeks": "integer",
    "held_out_first_date": "date", "held_out_last_date": "date", "held_out_intervals": "bigint",
    "held_out_calls": "bigint", "model_wape": "double", "model_mape": "double", "seasonal_naive_wape": "double",
    "seasonal_naive_mape": "double", "wape_improvement": "double",
}


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Both output tables, empty until a forecast is written (the scored marts read them)."""
    con.execute("create schema if not exists models")
    for table, columns in ((FORECAST_TABLE, FORECAST_COLUMNS), (METRICS_TABLE, METRICS_COLUMNS)):
        ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
        con.execute(f"create table if not exists {table} ({ddl})")


def write(con: duckdb.DuckDBPyConnection, run: ForecastRun) -> None:
    """Replace the forecast and this cut-off's metrics row, in one transaction: a re-run of
    the same history leaves the same rows."""
    e = run.evaluation
    metrics = pd.DataFrame([{  # noqa: F841 - read by DuckDB below
        "model_name": MODEL_NAME, "trained_through": run.trained_through,
        "evaluated_at": datetime.now(UTC).replace(tzinfo=None),
        "held_out_weeks": e.weeks, "held_out_first_date": e.first_day.date(), "held_out_last_date": e.last_day.date(),
        "held_out_intervals": e.intervals, "held_out_calls": e.calls,
        "model_wape": e.model.wape, "model_mape": e.model.mape,
        "seasonal_naive_wape": e.baseline.wape, "seasonal_naive_mape": e.baseline.mape,
        "wape_improvement": e.wape_improvement,
    }])
    forecast = run.forecast  # noqa: F841 - read by DuckDB below
    create_tables(con)
    con.execute("begin")
    try:
        con.execute(f"delete from {FORECAST_TABLE}")
        con.execute(f"insert into {FORECAST_TABLE} by name select {', '.join(FORECAST_COLUMNS)} from forecast "
                    "order by queue_name, interval_start_at")
        con.execute(f"delete from {METRICS_TABLE} where model_name = ? and trained_through = ?",
                    [MODEL_NAME, run.trained_through.to_pydatetime()])
        con.execute(f"insert into {METRICS_TABLE} by name select {', '.join(METRICS_COLUMNS)} from metrics")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def run_forecast(con: duckdb.DuckDBPyConnection, weeks: int = HELD_OUT_WEEKS) -> ForecastRun | None:
    """Read history from the marts, forecast, plan staffing, write both tables. With too
    little history to hold weeks out (a new deployment), leave both tables empty and return
    None: the build goes on and publishes no forecast."""
    history = F.load_history(con) if _has_intervals(con) else None
    if history is None or not enough_history(history, weeks):
        create_tables(con)
        con.execute(f"delete from {FORECAST_TABLE}")
        return None
    run = build_forecast(history, weeks)
    write(con, run)
    return run


def _has_intervals(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("select count(*) from marts.fct_queue_intervals").fetchone()[0] > 0


def enough_history(history: pd.DataFrame, weeks: int) -> bool:
    local_day = (history["interval_start_at"] + F.LOCAL_OFFSET).dt.normalize()
    return (local_day.max() - local_day.min()).days + 1 >= days_needed(weeks)


def days_needed(weeks: int) -> int:
    return 7 * (weeks + 1) + F.LEVEL_LAG_DAYS
