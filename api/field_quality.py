"""Service layer of the field-quality queries: alerts and their evidence from the serving store."""

from __future__ import annotations

from datetime import date

from api.profiles import BadArgument
from api.store import Reader

MAX_ALERTS = 200
MAX_FAILURES = 1000

_ALERT_COLUMNS = """
    alert_id as id, alert_level as level, model_code as "modelCode", component, build_batch as "buildBatch",
    alert_state as state, severity, opened_date as "openedDate", last_signal_date as "lastSignalDate",
    closed_date as "closedDate", as_of_date as "asOfDate", window_days as "windowDays",
    observed_failures as "observedFailures", expected_failures as "expectedFailures", rate_ratio as "rateRatio",
    peak_rate_ratio as "peakRateRatio", p_value as "pValue", q_value as "qValue",
    failures_since_opened as "failuresSinceOpened", affected_vehicle_count as "affectedVehicleCount",
    affected_batch_count as "affectedBatchCount", affected_region_count as "affectedRegionCount",
    work_order_count as "workOrderCount", call_count as "callCount"
"""
_FILTERS = {
    "state": "alert_state = :state",
    "since": "last_signal_date >= :since",
    "model": "model_code = :model",
    "component": "component = :component",
}
_ONE = f"select {_ALERT_COLUMNS} from field_alerts where alert_id = :id"
_SERIES = """
    select activity_date as date, alert_state as state, is_signal as "isSignal",
        observed_failures as "observedFailures", expected_failures as "expectedFailures",
        vehicle_days as "vehicleDays", rate_per_1000_vehicle_days as "ratePer1000VehicleDays",
        baseline_per_1000_vehicle_days as "baselinePer1000VehicleDays"
    from field_alert_days where alert_id = :id order by activity_date
"""
_FAILURES = """
    select failure_id as "failureId", vin, failure_date as "failureDate", build_batch as "buildBatch",
        region_office as "regionOffice", fault_code as "faultCode", work_order_id as "workOrderId",
        call_id as "callId", work_order_category as category, fault_description as "faultDescription",
        has_telematics as "reportedByTelematics"
    from field_alert_failures where alert_id = :id order by failure_date, failure_id limit :limit
"""
_COUNTS = """
    select {column} as name, count(*) as failures
    from field_alert_failures where alert_id = :id and {column} is not null
    group by {column} order by failures desc, name
"""


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadArgument(f"fieldAlerts(since: {value!r}): since must be a date like 2026-03-01") from None


def list_alerts(con: Reader, state: str | None, since: object, model: str | None, component: str | None,
                first: int) -> list[dict]:
    if not 0 < first <= MAX_ALERTS:
        raise BadArgument(f"fieldAlerts(first: {first}): first must be between 1 and {MAX_ALERTS}")
    given = {"state": state, "since": _day(since), "model": model, "component": component}
    params = {k: v for k, v in given.items() if v is not None}
    where = " and ".join(_FILTERS[k] for k in params) or "1 = 1"
    sql = (f"select {_ALERT_COLUMNS} from field_alerts where {where} "
           "order by opened_date desc, alert_id limit :limit")
    return con.rows(sql, {**params, "limit": first})


def get_alert(con: Reader, alert_id: str) -> dict | None:
    rows = con.rows(_ONE, {"id": alert_id})
    return rows[0] if rows else None


def series(con: Reader, alert_id: str) -> list[dict]:
    return con.rows(_SERIES, {"id": alert_id})


def failures(con: Reader, alert_id: str, first: int) -> list[dict]:
    if not 0 < first <= MAX_FAILURES:
        raise BadArgument(f"failures(first: {first}): first must be between 1 and {MAX_FAILURES}")
    return con.rows(_FAILURES, {"id": alert_id, "limit": first})


def counts(con: Reader, alert_id: str, column: str) -> list[dict]:
    return con.rows(_COUNTS.format(column=column), {"id": alert_id})
