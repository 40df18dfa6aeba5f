"""History and features of the arrival forecast.

History is marts.fct_queue_intervals: offered calls per queue and 30-minute interval (of
queue entry). Intervals without calls are absent from the mart; here every queue gets every
interval from its first day, with 0 where nothing arrived. All calendar features are in
Beijing time (the contact center's), intervals are kept as UTC starts like the marts.

Features, all known at forecast time for any horizon up to `lag_days` (7 or 14: a model
per horizon week, see score.py):
- queue, half hour of the day, weekday, public holiday (hub.calendar) and the day before one;
- level: the queue's mean calls per interval over LEVEL_WINDOW_DAYS days ending `lag_days`
  before the interval's day (recent volume, lagged past the horizon);
- recent level: the same over the RECENT_WINDOW_DAYS days ending `lag_days` before;
- base: the geometric mean of level and recent level, the volume the model scales (train.py
  predicts calls as a multiple of it, so a queue that grows past its training range is still
  followed: trees alone cannot extrapolate);
- slot last: the same queue, weekday and half hour `lag_days` before;
- slot level: the same, mean over the LEVEL_WINDOW_DAYS / 7 weeks ending `lag_days` before.

The history ends with the last complete Beijing day: a day whose last interval with calls
starts before LAST_DAY_COMPLETE_FROM is cut off (calls queued just after midnight of an
export's last day would otherwise make a whole day of zeros).
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd

from hub.calendar import UTC_OFFSET, is_holiday

INTERVAL = pd.Timedelta(minutes=30)
LOCAL_OFFSET = pd.Timedelta(UTC_OFFSET)  # local = UTC + offset (no daylight saving)
HORIZON_DAYS = 14
LEVEL_LAG_DAYS = 14  # the longest lag: features for any day of the horizon
LAST_DAY_COMPLETE_FROM = pd.Timedelta(hours=23)
LEVEL_WINDOW_DAYS = 28
RECENT_WINDOW_DAYS = 7

CATEGORICAL = ["queue_name", "half_hour_of_day", "weekday", "is_holiday", "is_day_before_holiday"]
NUMERIC = ["level", "slot_last", "slot_level"]


def load_history(con: duckdb.DuckDBPyConnection, relation: str = "marts.fct_queue_intervals") -> pd.DataFrame:
    """Offered calls, answered calls and handle seconds per queue and interval, every
    interval of every queue present (0 when none arrived)."""
    sparse = con.execute(f"""
        select queue_name, interval_start_at, offered_calls, answered_calls, handle_seconds
        from {relation}
    """).df()
    if sparse.empty:
        raise ValueError(f"{relation}: no intervals with calls; the forecast needs history (run `hub build`)")
    sparse["interval_start_at"] = pd.to_datetime(sparse["interval_start_at"])
    first = _local_midnight_utc(sparse["interval_start_at"].min())
    latest = sparse["interval_start_at"].max()
    last = _local_midnight_utc(latest) + pd.Timedelta(days=1) - INTERVAL
    if latest - _local_midnight_utc(latest) < LAST_DAY_COMPLETE_FROM:
        last -= pd.Timedelta(days=1)
    sparse = sparse[sparse["interval_start_at"] <= last]
    grid = pd.MultiIndex.from_product(
        [sorted(sparse["queue_name"].unique()), pd.date_range(first, last, freq=INTERVAL)],
        names=["queue_name", "interval_start_at"],
    )
    full = sparse.set_index(["queue_name", "interval_start_at"]).reindex(grid, fill_value=0).reset_index()
    return full.astype({"offered_calls": "int64", "answered_calls": "int64", "handle_seconds": "int64"})


def _local_midnight_utc(ts: pd.Timestamp) -> pd.Timestamp:
    return (ts + LOCAL_OFFSET).normalize() - LOCAL_OFFSET


def calendar_features(intervals: pd.Series) -> pd.DataFrame:
    local = pd.to_datetime(intervals) + LOCAL_OFFSET
    days = local.dt.date
    holiday = {d: is_holiday(d) for d in set(days)}
    before = {d: is_holiday(d + timedelta(days=1)) and not holiday[d] for d in set(days)}
    return pd.DataFrame({
        "local_date": pd.to_datetime(local.dt.normalize()),
        "half_hour_of_day": (local.dt.hour * 2 + local.dt.minute // 30).astype("int64"),
        "weekday": local.dt.day_of_week.astype("int64"),
        "is_holiday": days.map(holiday).astype("int64"),
        "is_day_before_holiday": days.map(before).astype("int64"),
    }, index=intervals.index)


def frame(history: pd.DataFrame, intervals: pd.DataFrame, lag_days: int = LEVEL_LAG_DAYS) -> pd.DataFrame:
    """Features for `intervals` (queue_name, interval_start_at), computed only from
    `history` rows at least `lag_days` days (a multiple of 7) before each interval's day."""
    if lag_days % 7:
        raise ValueError(f"lag_days={lag_days}: must be a multiple of 7 (same weekday)")
    out = intervals[["queue_name", "interval_start_at"]].reset_index(drop=True)
    out = pd.concat([out, calendar_features(out["interval_start_at"])], axis=1)

    hist = pd.concat([history[["queue_name", "offered_calls"]],
                      calendar_features(history["interval_start_at"])], axis=1)
    days = pd.date_range(hist["local_date"].min(), max(hist["local_date"].max(), out["local_date"].max()), freq="D")
    observed = pd.Series(days <= hist["local_date"].max(), index=days)
    daily = hist.groupby(["queue_name", "local_date"])["offered_calls"].sum().unstack(0)
    daily = daily.reindex(days).fillna(0).where(observed, axis=0)
    def mean_per_interval(window: int, min_days: int) -> np.ndarray:
        """over the `window` days ending `lag_days` before each interval's day"""
        return _lookup_by_day((daily.rolling(window, min_periods=min_days).mean() / 48).shift(lag_days), out)

    out["level"] = mean_per_interval(LEVEL_WINDOW_DAYS, 7)
    out["recent_level"] = mean_per_interval(RECENT_WINDOW_DAYS, RECENT_WINDOW_DAYS)
    out["base"] = np.sqrt(out["level"] * out["recent_level"])

    slots = hist.groupby(["queue_name", "half_hour_of_day", "local_date"], as_index=False)["offered_calls"].sum()
    keys = ["local_date", "queue_name", "half_hour_of_day"]
    weeks = LEVEL_WINDOW_DAYS // 7
    for k in range(weeks):
        lagged = slots.assign(local_date=slots["local_date"] + pd.Timedelta(days=lag_days + 7 * k))
        out = out.merge(lagged.rename(columns={"offered_calls": f"_lag{k}"}), on=keys, how="left")
    lags = [f"_lag{k}" for k in range(weeks)]
    out["slot_last"] = out["_lag0"]
    out["slot_level"] = out[lags].mean(axis=1)
    out = out.drop(columns=lags)
    return out


def _lookup_by_day(table: pd.DataFrame, out: pd.DataFrame) -> np.ndarray:
    stacked = table.stack(future_stack=True).rename("value").reset_index()
    stacked.columns = ["local_date", "queue_name", "value"]
    merged = out[["local_date", "queue_name"]].merge(stacked, on=["local_date", "queue_name"], how="left")
    return merged["value"].to_numpy()


def future_intervals(history: pd.DataFrame, days: int = HORIZON_DAYS) -> pd.DataFrame:
    """Every queue's intervals of the `days` Beijing days after the last day of history."""
    start = history["interval_start_at"].max() + INTERVAL
    stamps = pd.date_range(start, periods=days * 48, freq=INTERVAL)
    queues = sorted(history["queue_name"].unique())
    return pd.DataFrame([(q, t) for q in queues for t in stamps], columns=["queue_name", "interval_start_at"])
