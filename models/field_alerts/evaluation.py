"""How the early warning does against the simulator's injected defects (evaluation only).

The backtest is the detection itself: every alert was raised as of its opening day with
only the data reported up to that day. An alert finds a defect when it names the defect's
model and component (a batch alert: one of its build batches) and opened on or after the
defect's onset; the delay is from onset to the first such alert. Every other alert is a
false alarm, counted per month of history watched (the days with a full window).
Defects whose onset falls in the last `too_late_days` of the history cannot be judged yet
and are left out (listed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.field_alerts.detection import Detection

DAYS_PER_MONTH = 30.44


@dataclass
class DefectResult:
    defect_id: str
    model_code: str
    component: str
    build_batch: str
    onset_date: object
    first_alert_date: object | None
    first_alert_id: str | None

    @property
    def days_to_alert(self) -> int | None:
        if self.first_alert_date is None:
            return None
        return (pd.Timestamp(self.first_alert_date) - pd.Timestamp(self.onset_date)).days


@dataclass
class Evaluation:
    defects: list[DefectResult]
    false_alarms: list[str]
    months_watched: float
    left_out: list[str] = field(default_factory=list)

    @property
    def share_found(self) -> float:
        return sum(d.first_alert_date is not None for d in self.defects) / max(len(self.defects), 1)

    @property
    def median_days_to_alert(self) -> float | None:
        delays = [d.days_to_alert for d in self.defects if d.days_to_alert is not None]
        return float(np.median(delays)) if delays else None

    @property
    def false_alarms_per_month(self) -> float:
        return len(self.false_alarms) / self.months_watched if self.months_watched else 0.0

    def lines(self) -> list[str]:
        out = [f"{'defect':8} {'model':8} {'component':15} {'batches':26} {'onset':10}  first alert  days"]
        for d in self.defects:
            out.append(
                f"{d.defect_id:8} {d.model_code:8} {d.component:15} {d.build_batch:26} {d.onset_date!s:10}  "
                f"{d.first_alert_date or 'not found'!s:11}  {'' if d.days_to_alert is None else d.days_to_alert}"
            )
        median = self.median_days_to_alert
        out += [
            f"defects found: {self.share_found:.0%} ({sum(d.first_alert_date is not None for d in self.defects)}"
            f" of {len(self.defects)})",
            f"median days from onset to alert: {'n/a' if median is None else f'{median:.1f}'}",
            f"false alarms: {len(self.false_alarms)} in {self.months_watched:.1f} months watched = "
            f"{self.false_alarms_per_month:.2f} per month",
        ]
        out += [f"  false alarm: {alert_id}" for alert_id in self.false_alarms]
        out += [f"  not judged (onset too late in the history): {defect}" for defect in self.left_out]
        return out


def load_defects(truth_dir: Path) -> pd.DataFrame:
    path = Path(truth_dir) / "defects.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no simulator truth here (evaluation needs `hub simulate`'s truth/)")
    return pd.read_parquet(path)


def evaluate(
    detection: Detection, defects: pd.DataFrame, start, end, window_days: int, too_late_days: int = 14
) -> Evaluation:
    alerts = detection.alerts
    matched: set[str] = set()
    results, left_out = [], []
    for defect in defects.itertuples():
        onset = pd.Timestamp(defect.onset_date).date()
        if (pd.Timestamp(end) - pd.Timestamp(onset)).days < too_late_days:
            left_out.append(defect.defect_id)
            continue
        batches = set(defect.build_batches)
        hits = alerts[
            (alerts["model_code"] == defect.model_code)
            & (alerts["component"] == defect.component)
            & ((alerts["alert_level"] == "model") | alerts["build_batch"].isin(batches))
            & (pd.to_datetime(alerts["opened_date"]) >= pd.Timestamp(onset))
        ].sort_values("opened_date")
        matched.update(hits["alert_id"])
        first = hits.iloc[0] if len(hits) else None
        results.append(DefectResult(
            defect.defect_id, defect.model_code, defect.component, defect.build_batch, onset,
            None if first is None else first["opened_date"], None if first is None else first["alert_id"],
        ))
    false_alarms = sorted(set(alerts["alert_id"]) - matched)
    watched = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1 - (window_days - 1)
    return Evaluation(results, false_alarms, watched / DAYS_PER_MONTH, left_out)
