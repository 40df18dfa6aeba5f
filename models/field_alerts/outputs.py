"""The early warning's output tables in the warehouse schema `models` (replaced whole each run).

* models.field_alerts: one row per alert (cell, state, severity, statistics);
* models.field_alert_days: the rate series behind each alert, from `lead_in_days` before
  it opened: observed and expected failures in the window, per 1000 vehicle-days;
* models.field_alert_failures: the failures behind each alert (its cell, from the first
  window it signalled on): the affected VINs. Marts join them to work orders and texts.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from models.field_alerts.detection import Detection
from models.field_alerts.inputs import FieldData

# column types, so the tables keep their shape whatever a run finds (none closed, no alerts)
SCHEMAS: dict[str, dict[str, str]] = {
    "field_alerts": {
        "alert_id": "varchar", "alert_level": "varchar", "model_code": "varchar", "component": "varchar",
        "build_batch": "varchar", "alert_state": "varchar", "severity": "varchar", "opened_date": "date",
        "last_signal_date": "date", "closed_date": "date", "as_of_date": "date", "observed": "double",
        "expected": "double", "rate_ratio": "double", "p_value": "double", "q_value": "double",
        "peak_rate_ratio": "double", "failures_since_opened": "integer", "window_days": "integer",
    },
    "field_alert_days": {
        "alert_id": "varchar", "activity_date": "date", "observed": "double", "expected": "double",
        "vehicle_days": "double", "rate_per_1000_vehicle_days": "double",
        "baseline_per_1000_vehicle_days": "double", "q_value": "double", "is_signal": "boolean",
        "alert_state": "varchar",
    },
    "field_alert_failures": {
        "alert_id": "varchar", "failure_id": "varchar", "vin": "varchar", "build_batch": "varchar",
        "failure_date": "date",
    },
}


def alert_failures(data: FieldData, detection: Detection) -> pd.DataFrame:
    failures = data.failure_rows.assign(failure_date=pd.to_datetime(data.failure_rows["failure_date"]))
    parts = []
    for alert in detection.alerts.itertuples():
        start = pd.Timestamp(alert.opened_date) - pd.Timedelta(days=alert.window_days - 1)
        end = pd.Timestamp(alert.as_of_date if pd.isna(alert.closed_date) else alert.closed_date)
        mask = (
            (failures["model_code"] == alert.model_code)
            & (failures["component"] == alert.component)
            & failures["failure_date"].between(start, end)
        )
        if not pd.isna(alert.build_batch):
            mask &= failures["build_batch"] == alert.build_batch
        parts.append(failures.loc[mask, ["failure_id", "vin", "build_batch", "failure_date"]].assign(alert_id=alert.alert_id))
    columns = ["alert_id", "failure_id", "vin", "build_batch", "failure_date"]
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)[columns]
    frame["failure_date"] = frame["failure_date"].dt.date
    return frame


def write_outputs(con: duckdb.DuckDBPyConnection, data: FieldData, detection: Detection) -> dict[str, int]:
    """Replace the three tables in one transaction; returns rows per table."""
    frames = {
        "field_alerts": detection.alerts,
        "field_alert_days": detection.alert_days,
        "field_alert_failures": alert_failures(data, detection),
    }
    con.execute("create schema if not exists models")
    con.execute("begin")
    try:
        for name, frame in frames.items():
            con.register("_frame", frame)
            columns = ", ".join(f"cast({c} as {t}) as {c}" for c, t in SCHEMAS[name].items())
            con.execute(f"create or replace table models.{name} as select {columns} from _frame")
            con.unregister("_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {name: len(frame) for name, frame in frames.items()}
