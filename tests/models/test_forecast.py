"""The arrival forecast: features never look past the horizon, the model beats
seasonal-naive on held-out weeks (hand-made Poisson arrivals and the simulated demo), and
the pipeline writes the forecast and its staffing plan."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from models.forecast import features as F
from models.forecast.evaluate import evaluate
from models.forecast.score import build_forecast
from tests.conftest import run_hub


def poisson_history(days: int = 70, seed: int | None = 7) -> pd.DataFrame:
    """Two queues over `days` Beijing days from 2026-03-02 (a Monday): a day-time hump,
    quieter weekends, 'b' at half of 'a'; counts drawn from Poisson with that rate (seed None:
    the rate itself, in column `rate`)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-01 16:00:00")  # Beijing midnight of 2026-03-02
    stamps = pd.date_range(start, periods=days * 48, freq="30min")
    local = stamps + F.LOCAL_OFFSET
    hour = local.hour + local.minute / 60
    shape = np.exp(-((hour - 14) ** 2) / 18) * 8
    weekend = np.where(local.day_of_week >= 5, 0.4, 1.0)
    rows = []
    for queue, scale in (("a", 1.0), ("b", 0.5)):
        rate = shape * weekend * scale
        if seed is None:
            rows.append(pd.DataFrame({"queue_name": queue, "interval_start_at": stamps, "rate": rate}))
            continue
        offered = rng.poisson(rate)
        rows.append(pd.DataFrame({"queue_name": queue, "interval_start_at": stamps, "offered_calls": offered,
                                  "answered_calls": offered, "handle_seconds": offered * 200}))
    return pd.concat(rows, ignore_index=True)


def oracle_wape(history: pd.DataFrame, result) -> float:
    """WAPE of the true Poisson rate on the held-out intervals (the noise floor)."""
    clean = poisson_history(days=126, seed=None)
    held = result.predictions.merge(clean, on=["queue_name", "interval_start_at"], suffixes=("", "_rate"))
    return float(np.abs(held["offered_calls"] - held["rate"]).sum() / held["offered_calls"].sum())


def test_features_use_only_history_at_least_the_horizon_before() -> None:
    history = poisson_history()
    cut = history["interval_start_at"].max() - pd.Timedelta(days=F.LEVEL_LAG_DAYS)
    changed = history.copy()
    late = changed["interval_start_at"] > cut
    changed.loc[late, "offered_calls"] = 1000  # the last LEVEL_LAG_DAYS days explode
    last_day = history[history["interval_start_at"] > history["interval_start_at"].max() - pd.Timedelta(days=1)]
    before, after = F.frame(history, last_day), F.frame(changed, last_day)
    pd.testing.assert_frame_equal(before[["level", "slot_level"]], after[["level", "slot_level"]])


def test_calendar_features_are_beijing_time_and_holidays() -> None:
    stamps = pd.Series(pd.to_datetime(["2026-02-16 16:00:00", "2026-02-14 15:30:00"]))
    calendar = F.calendar_features(stamps)
    # 2026-02-17 00:00 Beijing: half hour 0 of a Tuesday of the Spring Festival
    assert calendar.iloc[0][["half_hour_of_day", "weekday", "is_holiday"]].tolist() == [0, 1, 1]
    # 2026-02-14 23:30 Beijing: the day before the Spring Festival holiday starts
    assert calendar.iloc[1][["half_hour_of_day", "is_holiday", "is_day_before_holiday"]].tolist() == [47, 0, 1]


def test_model_beats_seasonal_naive_on_held_out_poisson_weeks() -> None:
    result = evaluate(poisson_history(days=126), weeks=2)
    # seasonal-naive carries last week's noise as well as this week's; a model of the rate does not
    assert result.wape_improvement >= 0.2, result.lines()
    assert result.intervals == 2 * 7 * 48 * 2
    # and not far from a forecast that knew the true rate: what is left is Poisson noise
    assert result.model.wape < 1.1 * oracle_wape(poisson_history(days=126), result), result.lines()


def test_too_little_history_is_refused_with_what_it_needs() -> None:
    with pytest.raises(ValueError, match="history has 30 days; evaluating 4 held-out weeks needs at least 49"):
        evaluate(poisson_history(days=30), weeks=4)


def test_forecast_covers_the_next_fourteen_days_with_staffing() -> None:
    run = build_forecast(poisson_history(), weeks=1)
    future = run.forecast[run.forecast["forecast_kind"] == "future"]
    assert len(future) == 2 * 14 * 48
    assert future["interval_start_at"].min() == run.trained_through
    assert (future["agents_scheduled"] >= future["agents_required"]).all()
    busy = future[future["forecast_calls"] > 1]
    assert (busy["expected_service_level"] >= 0.8).all() and (busy["expected_occupancy"] <= 0.85).all()
    assert set(run.forecast["aht_seconds"].round(6)) == {200.0}


@pytest.mark.slow
def test_demo_forecast_beats_seasonal_naive_by_a_fifth(built_demo: Path) -> None:
    """`hub forecast evaluate` on the simulated demo: at least 20% lower WAPE on held-out weeks."""
    out = run_hub("forecast", "evaluate", "--min-improvement", "0.2", data_dir=built_demo, timeout=900).stdout
    print(out)
    improvement = float(re.search(r"WAPE improvement over seasonal-naive: ([\d.]+)%", out).group(1))
    assert improvement >= 20


@pytest.mark.slow
def test_build_writes_forecast_and_publishes_it(built_demo: Path) -> None:
    con = duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True)
    try:
        kinds = dict(con.execute("select forecast_kind, count(distinct interval_start_at) "
                                 "from models.call_forecast group by 1").fetchall())
        metrics = con.execute("select wape_improvement from marts.fct_forecast_accuracy").fetchall()
    finally:
        con.close()
    assert kinds == {"future": 14 * 48, "holdout": 4 * 7 * 48}
    assert len(metrics) == 1 and metrics[0][0] >= 0.2
    import sqlite3

    serving = sqlite3.connect(f"file:{built_demo / 'serving.db'}?mode=ro", uri=True)
    try:
        published = serving.execute("select count(*), count(actual_calls) from interval_forecasts").fetchone()
    finally:
        serving.close()
    assert published[0] > 0 and published[1] > 0
