"""Held-out evaluation: train on the past, forecast the next week, compare with what
arrived, for each of the last `weeks` weeks of history (rolling origin at Beijing midnight).

The baseline is seasonal-naive: the same queue and interval one week earlier (known at the
origin). WAPE = sum |actual - forecast| / sum actual over every queue-interval of the
held-out weeks; MAPE is the mean of |actual - forecast| / actual over intervals with calls
(it is undefined where nothing arrived).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.forecast import features as F
from models.forecast.train import fit, predict


@dataclass(frozen=True)
class Scores:
    wape: float
    mape: float

    @classmethod
    def of(cls, actual: np.ndarray, forecast: np.ndarray) -> Scores:
        error = np.abs(actual - forecast)
        positive = actual > 0
        return cls(wape=float(error.sum() / actual.sum()), mape=float(np.mean(error[positive] / actual[positive])))


@dataclass
class Evaluation:
    weeks: int
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    intervals: int
    calls: int
    model: Scores
    baseline: Scores
    per_week: list[tuple[pd.Timestamp, Scores, Scores]] = field(default_factory=list)
    predictions: pd.DataFrame | None = None

    @property
    def wape_improvement(self) -> float:
        """How much lower the model's WAPE is than seasonal-naive's (0.2 = 20% lower)."""
        return 1 - self.model.wape / self.baseline.wape

    def lines(self) -> list[str]:
        out = [
            f"held-out weeks: {self.weeks} ({self.first_day:%Y-%m-%d} .. {self.last_day:%Y-%m-%d}, Beijing days), "
            f"{self.intervals} queue-intervals, {self.calls} calls",
            f"{'':16}{'WAPE':>8}{'MAPE':>8}",
            f"{'model':16}{self.model.wape:8.3f}{self.model.mape:8.3f}",
            f"{'seasonal-naive':16}{self.baseline.wape:8.3f}{self.baseline.mape:8.3f}",
            f"WAPE improvement over seasonal-naive: {self.wape_improvement:.1%}",
        ]
        for start, model, baseline in self.per_week:
            out.append(f"  week of {start:%Y-%m-%d}: WAPE model {model.wape:.3f}, seasonal-naive {baseline.wape:.3f}")
        return out


def evaluate(history: pd.DataFrame, weeks: int = 4) -> Evaluation:
    """Rolling-origin evaluation over the last `weeks` whole weeks of `history`
    (features.load_history)."""
    history = history.sort_values(["queue_name", "interval_start_at"]).reset_index(drop=True)
    local_day = (history["interval_start_at"] + F.LOCAL_OFFSET).dt.normalize()
    last_day = local_day.max()
    days_needed = 7 * (weeks + 1) + F.LEVEL_LAG_DAYS  # a training window before the first held-out week
    if (last_day - local_day.min()).days + 1 < days_needed:
        raise ValueError(f"history has {(last_day - local_day.min()).days + 1} days; evaluating {weeks} held-out "
                         f"weeks needs at least {days_needed}")
    previous_week = history.set_index(["queue_name", "interval_start_at"])["offered_calls"]
    results, per_week = [], []
    for k in range(weeks, 0, -1):
        start = last_day - pd.Timedelta(days=7 * k - 1)
        train = local_day < start
        test = (local_day >= start) & (local_day < start + pd.Timedelta(days=7))
        past = history[train]
        # a week ahead: the one-week-lag model, as in score.py (seasonal-naive lags a week too)
        model = fit(F.frame(past, past, lag_days=7), past["offered_calls"])
        held = history[test].reset_index(drop=True)
        forecast = predict(model, F.frame(past, held, lag_days=7)).to_numpy()
        naive_keys = pd.MultiIndex.from_arrays([held["queue_name"], held["interval_start_at"] - pd.Timedelta(days=7)])
        naive = previous_week.reindex(naive_keys).fillna(0).to_numpy(dtype=float)
        actual = held["offered_calls"].to_numpy(dtype=float)
        per_week.append((start, Scores.of(actual, forecast), Scores.of(actual, naive)))
        results.append(held.assign(forecast_calls=forecast, seasonal_naive_calls=naive))
    predictions = pd.concat(results, ignore_index=True)
    actual = predictions["offered_calls"].to_numpy(dtype=float)
    return Evaluation(
        weeks=weeks,
        first_day=last_day - pd.Timedelta(days=7 * weeks - 1),
        last_day=last_day,
        intervals=len(predictions),
        calls=int(actual.sum()),
        model=Scores.of(actual, predictions["forecast_calls"].to_numpy()),
        baseline=Scores.of(actual, predictions["seasonal_naive_calls"].to_numpy()),
        per_week=per_week,
        predictions=predictions,
    )
