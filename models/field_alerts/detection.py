"""Alerts from the daily cell statistics: when a cell signals, and what state it is in.

A cell signals on a day when its q-value is at most `alpha`, it has at least
`min_failures` failures in the window and its rate is at least `min_rate_ratio` x expected.
The first signal opens an alert (state `new` for its first `window_days` days); while open,
a signalling day is `growing` when the window holds `growing_ratio` x more failures than
the window before it, else `stable`. It closes (`closed`) on the first day, at least
`close_after_days` after its last signal, when the cell's rate over the longer
`persistence_days` window is back under `close_rate_ratio` x expected: a defect that keeps
failing at twice the rate stays open even in weeks too quiet to signal on their own.
A cell that signals again after closing opens a new alert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.field_alerts.inputs import FieldData
from models.field_alerts.statistics import CellStatistics, cell_statistics

STATES = ("new", "growing", "stable", "closed")
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class DetectionConfig:
    window_days: int = 7
    alpha: float = 0.005
    # "poisson" (peers' rate taken as known) or "binomial" (exact two-rate comparison)
    test: str = "poisson"
    min_failures: int = 3
    min_rate_ratio: float = 2.0
    close_after_days: int = 14
    persistence_days: int = 28
    close_rate_ratio: float = 1.5
    growing_ratio: float = 1.25
    # days of history before an alert's opening kept in its evidence series
    lead_in_days: int = 28


@dataclass
class Detection:
    alerts: pd.DataFrame  # one row per alert
    alert_days: pd.DataFrame  # one row per alert and day: the rate series and the state that day


def severity(failures: float, ratio: float) -> str:
    """How loudly to ring: by the peak rate ratio and how many failures stand behind the
    alert (since the window it first signalled on)."""
    if ratio >= 5 and failures >= 8:
        return "high"
    if ratio >= 3 and failures >= 5:
        return "medium"
    return "low"


def detect(data: FieldData, config: DetectionConfig = DetectionConfig()) -> Detection:
    levels = cell_statistics(data, config.window_days, config.test)
    persistence = cell_statistics(data, config.persistence_days, config.test)
    alerts, days = [], []
    for level, longer in zip(levels, persistence, strict=True):
        _alerts_of_level(data, level, longer, config, alerts, days)
    alert_frame = pd.DataFrame(alerts, columns=_ALERT_COLUMNS)
    day_frame = pd.DataFrame(days, columns=_DAY_COLUMNS)
    return Detection(alert_frame.sort_values("alert_id").reset_index(drop=True), day_frame)


_ALERT_COLUMNS = [
    "alert_id", "alert_level", "model_code", "component", "build_batch", "alert_state", "severity",
    "opened_date", "last_signal_date", "closed_date", "as_of_date", "observed", "expected", "rate_ratio",
    "p_value", "q_value", "peak_rate_ratio", "failures_since_opened", "window_days",
]
_DAY_COLUMNS = [
    "alert_id", "activity_date", "observed", "expected", "vehicle_days", "rate_per_1000_vehicle_days",
    "baseline_per_1000_vehicle_days", "q_value", "is_signal", "alert_state",
]


def _alerts_of_level(
    data: FieldData, level: CellStatistics, longer: CellStatistics, config: DetectionConfig, alerts: list, days: list
):
    ratio = _ratio(level)
    elevated = _ratio(longer) >= config.close_rate_ratio
    signal = (level.q_value <= config.alpha) & (level.observed >= config.min_failures) & (ratio >= config.min_rate_ratio)
    signal[: config.window_days - 1] = False  # the first windows are not full
    dates = data.days.date
    for cell, comp in zip(*np.nonzero(signal.any(axis=0)), strict=True):
        series = signal[:, cell, comp]
        for opened, closed, last in _episodes(series, elevated[:, cell, comp], config.close_after_days):
            model, batch = level.cells[cell]
            component = data.components[comp]
            alert_id = f"FA-{model}-{component}-{batch or 'ALL'}-{dates[opened]:%Y%m%d}"
            end = closed if closed is not None else len(dates) - 1
            states = _states(level.observed[:, cell, comp], series, opened, end, closed, config)
            peak = opened + int(np.argmin(np.where(series[opened:end + 1], level.p_value[opened:end + 1, cell, comp], 2)))
            o, e = level.observed[last, cell, comp], level.expected[last, cell, comp]
            since = int(data_failures(data, level, cell, comp)[opened - config.window_days + 1:end + 1].sum())
            alerts.append([
                alert_id, level.level, model, component, batch, states[-1],
                severity(since, ratio[peak, cell, comp]),
                dates[opened], dates[last], dates[closed] if closed is not None else None, dates[-1],
                float(o), float(e), float(ratio[last, cell, comp]), float(level.p_value[last, cell, comp]),
                float(level.q_value[last, cell, comp]), float(ratio[opened:end + 1, cell, comp].max()), since,
                config.window_days,
            ])
            for d in range(max(0, opened - config.lead_in_days), end + 1):
                x = level.exposure[d, cell]
                days.append([
                    alert_id, dates[d], float(level.observed[d, cell, comp]), float(level.expected[d, cell, comp]),
                    float(x), 1000 * level.observed[d, cell, comp] / x if x else None,
                    1000 * level.expected[d, cell, comp] / x if x else None, float(level.q_value[d, cell, comp]),
                    bool(series[d]), states[d - opened] if d >= opened else None,
                ])


def data_failures(data: FieldData, level: CellStatistics, cell: int, comp: int) -> np.ndarray:
    """Daily failures of one cell (a batch, or all batches of a model)."""
    if level.level == "batch":
        return data.failures[cell, comp]
    model = level.cells[cell][0]
    return data.failures[data.model_codes() == model, comp].sum(axis=0)


def _ratio(level: CellStatistics) -> np.ndarray:
    return np.divide(level.observed, level.expected, out=np.zeros_like(level.observed), where=level.expected > 0)


def _episodes(series: np.ndarray, elevated: np.ndarray, close_after: int):
    """(opened, closed or None, last signal) of each alert of one cell."""
    day, n = 0, len(series)
    while day < n:
        if not series[day]:
            day += 1
            continue
        opened = last = day
        closed = None
        for d in range(day + 1, n):
            if series[d]:
                last = d
            elif d - last >= close_after and not elevated[d]:
                closed = d
                break
        yield opened, closed, last
        if closed is None:
            return
        day = closed + 1


def _states(observed: np.ndarray, series: np.ndarray, opened: int, end: int, closed, config: DetectionConfig):
    w = config.window_days
    states = []
    for d in range(opened, end + 1):
        if closed is not None and d >= closed:
            states.append("closed")
        elif d - opened < w:
            states.append("new")
        elif series[d] and observed[d] >= config.growing_ratio * max(observed[d - w], 1.0):
            states.append("growing")
        else:
            states.append("stable")
    return states
