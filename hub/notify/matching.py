"""What each subscription is to be told, from the served store.

- field_alert: every field alert not closed (new, growing, stable) of the subscription's
  model and component, at or above its least severity. Keyed by the alert id: an alert is
  pushed once, when it first matches.
- kpi_breach: the scorecard rows of the latest complete served week (its Sunday is on or
  before the latest served call day: a week still running would be judged on its first days)
  that miss their target, at the subscription's scope (site unless it says), for its KPI and
  scope id if it names them. Keyed by scope, week and KPI: a breach is pushed once.

Field alerts carry vehicles' counts and statistics only, scorecards agents', teams' and
sites' counts: no customer reaches a message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from hub import vocabulary as v

_FIELD_ALERTS = sa.text("""select alert_id, alert_level, model_code, component, build_batch, alert_state, severity,
        opened_date, last_signal_date, rate_ratio, observed_failures, expected_failures, affected_vehicle_count,
        work_order_count
    from field_alerts where alert_state <> 'closed' order by opened_date, alert_id""")
_WEEKS = sa.text("select distinct week_start_date from scorecards")
_LAST_CALL_DAY = sa.text("select max(call_date) from queue_days")
_BREACHES = sa.text("""select scope_level, scope_id, week_start_date, kpi_name, numerator, denominator, kpi_value,
        target_value, previous_kpi_value, trend
    from scorecards where week_start_date = :week and is_target_met = :missed
    order by scope_level, scope_id, kpi_position""")


@dataclass(frozen=True)
class Alert:
    key: str
    subject: str
    payload: dict[str, Any]


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str, bool)) else str(value)[:10]


def field_alerts(con: sa.Connection) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in con.execute(_FIELD_ALERTS)]


def _date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def latest_complete_week(con: sa.Connection) -> date | None:
    last_day = _date(con.execute(_LAST_CALL_DAY).scalar())
    if last_day is None:
        return None
    weeks = [_date(w) for w in con.execute(_WEEKS).scalars()]
    complete = [w for w in weeks if w is not None and w + timedelta(days=6) <= last_day]
    return max(complete, default=None)


def breaches(con: sa.Connection) -> list[dict[str, Any]]:
    week = latest_complete_week(con)
    if week is None:
        return []
    return [dict(row._mapping) for row in con.execute(_BREACHES, {"week": week, "missed": False})]


def _field_alert(row: Mapping[str, Any]) -> Alert:
    payload = {k: _text(row[k]) for k in row}
    ratio = row["rate_ratio"]
    ratio_text = f" x{ratio:.1f} the peers' rate" if ratio is not None else ""
    subject = (f"[cs-hub] {row['severity']} field alert: {row['model_code']} {row['component']} "
               f"({row['alert_state']}){ratio_text}")
    return Alert(f"field_alert|{row['alert_id']}", subject, {"topic": "field_alert", "alert": payload})


def _breach(row: Mapping[str, Any]) -> Alert:
    payload = {k: _text(row[k]) for k in row}
    week = payload["week_start_date"]
    value, target = row["kpi_value"], row["target_value"]
    subject = (f"[cs-hub] {row['kpi_name']} of {row['scope_level']} {row['scope_id']} missed its target in the "
               f"week of {week}: {value:.4g} against {target:.4g}")
    key = f"kpi_breach|{row['scope_level']}|{row['scope_id']}|{week}|{row['kpi_name']}"
    return Alert(key, subject, {"topic": "kpi_breach", "breach": payload})


def matches(subscription: Mapping[str, Any], alerts: list[dict], breach_rows: list[dict]) -> list[Alert]:
    """The alerts one subscription is to be told about (each once: the caller dedupes by key)."""
    s = subscription
    if s["topic"] == "field_alert":
        least = v.ALERT_SEVERITIES.index(s["min_severity"]) if s["min_severity"] else 0
        return [_field_alert(row) for row in alerts
                if (s["model_code"] is None or row["model_code"] == s["model_code"])
                and (s["component"] is None or row["component"] == s["component"])
                and row["severity"] in v.ALERT_SEVERITIES and v.ALERT_SEVERITIES.index(row["severity"]) >= least]
    return [_breach(row) for row in breach_rows
            if row["scope_level"] == s["scope_level"]
            and (s["scope_id"] is None or row["scope_id"] == s["scope_id"])
            and (s["kpi_name"] is None or row["kpi_name"] == s["kpi_name"])
            and row["kpi_value"] is not None and row["target_value"] is not None]
