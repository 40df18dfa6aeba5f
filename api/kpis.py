"""Service layer of the contact-centre KPIs, the staffing plan and forecast accuracy.

Reads the published tables queue_intervals, queue_days, interval_forecasts and
forecast_accuracy. Each KPI's numerator and denominator come from the KPI registry
(hub/kpis.py); roll-ups sum both, then divide; staffing is
hub.erlang on the published forecast, for the caller's target."""

from __future__ import annotations

from datetime import date, datetime

from api.profiles import BadArgument
from api.store import Reader
from hub import erlang
from hub.calendar import UTC_OFFSET
from hub.erlang import required_agents
from hub.kpis import QUEUE_KPIS, ratio

MAX_INTERVAL_DAYS = 31
MAX_DAYS = 400
# dates a caller may ask about: far outside them no data exists and date arithmetic overflows
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2199, 12, 31)
# staffingPlan's targets (API names), checked before any work: hub.erlang's ranges
PLAN_RANGES = {
    "serviceLevel": erlang.SERVICE_LEVEL_RANGE,
    "answerWithinSeconds": erlang.ANSWER_WITHIN_SECONDS_RANGE,
    "maxOccupancy": erlang.MAX_OCCUPANCY_RANGE,
    "shrinkage": erlang.SHRINKAGE_RANGE,
}

# the KPIs' numerators and denominators come from the KPI registry (hub/kpis.py)
_INTERVAL_KPIS = tuple(k for k in QUEUE_KPIS if k.per_interval)
_CALL_KPIS = tuple(k for k in QUEUE_KPIS if not k.per_interval)


def _columns(kpis) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for k in kpis for c in (k.numerator, k.denominator)))


_COUNTS = tuple(dict.fromkeys(("offered_calls", "answered_calls", "abandoned_calls", "short_abandoned_calls",
                               *_columns(_INTERVAL_KPIS))))
_CALL_COUNTS = tuple(c for c in _columns(_CALL_KPIS) if c not in _COUNTS)


def _sums(columns: tuple[str, ...]) -> str:
    return ", ".join(f"sum({c}) as {c}" for c in columns)


_SQL = {
    "INTERVAL": f"""select queue_name, interval_start_at as period_start, interval_date as day, {_sums(_COUNTS)}
        from queue_intervals where interval_date between :first and :last and (:queue is null or queue_name = :queue)
        group by queue_name, interval_start_at, interval_date order by interval_start_at, queue_name""",
    "DAY": f"""select queue_name, call_date as day, {_sums(_COUNTS + _CALL_COUNTS)}
        from queue_days where call_date between :first and :last and (:queue is null or queue_name = :queue)
        group by queue_name, call_date order by call_date, queue_name""",
    "TOTAL": f"""select queue_name, min(call_date) as day, {_sums(_COUNTS + _CALL_COUNTS)}
        from queue_days where call_date between :first and :last and (:queue is null or queue_name = :queue)
        group by queue_name order by queue_name""",
}
_FORECAST = """select interval_start_at, forecast_kind, forecast_calls, aht_seconds from interval_forecasts
    where queue_name = :queue and interval_date = :day order by interval_start_at"""
_FORECAST_RANGE = "select min(interval_date) as first, max(interval_date) as last from interval_forecasts"
_ACCURACY = """select model_name as "modelName", trained_through as "trainedThrough", held_out_weeks as "heldOutWeeks",
    held_out_first_date as "heldOutFrom", held_out_last_date as "heldOutTo", held_out_calls as "heldOutCalls",
    model_wape as wape, model_mape as mape, seasonal_naive_wape as "seasonalNaiveWape",
    seasonal_naive_mape as "seasonalNaiveMape", wape_improvement as "wapeImprovement"
    from forecast_accuracy order by trained_through desc, evaluated_at desc limit 1"""


def parse_day(name: str, value: object) -> date:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise BadArgument(f"{name}={str(value)[:40]!r}: must be a date YYYY-MM-DD") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadArgument(f"{name}={day}: must be between {FIRST_DATE} and {LAST_DATE}")
    return day


def _timestamp(value: object) -> datetime:
    """SQLite hands timestamps back as text, PostgreSQL as datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _ratio(kpi, row: dict) -> dict:
    numerator, denominator = float(row[kpi.numerator] or 0), float(row[kpi.denominator] or 0)
    return {"value": ratio(kpi, numerator, denominator), "numerator": numerator, "denominator": denominator}


def _row(grain: str, row: dict) -> dict:
    day = parse_day("date", row["day"])
    start = row.get("period_start")
    # the Beijing day starts at 16:00 UTC the day before (UTC+8, no daylight saving)
    start = _timestamp(start) if start else datetime.combine(day, datetime.min.time()) - UTC_OFFSET
    out = {
        "queue": row["queue_name"], "grain": grain, "periodStart": start, "date": day,
        "offered": int(row["offered_calls"] or 0), "answered": int(row["answered_calls"] or 0),
        "abandoned": int(row["abandoned_calls"] or 0), "shortAbandoned": int(row["short_abandoned_calls"] or 0),
    }
    for kpi in QUEUE_KPIS:  # call-level KPIs (FCR, CSAT) exist per day and longer only
        out[kpi.api_field] = _ratio(kpi, row) if kpi.per_interval or grain != "INTERVAL" else None
    return out


def kpis(con: Reader, first: object, last: object, queue: str | None, grain: str) -> list[dict]:
    first_day, last_day = parse_day("from", first), parse_day("to", last)
    if last_day < first_day:
        raise BadArgument(f"to={last_day}: must not be before from={first_day}")
    limit = MAX_INTERVAL_DAYS if grain == "INTERVAL" else MAX_DAYS
    if (last_day - first_day).days + 1 > limit:
        raise BadArgument(f"from={first_day}, to={last_day}: a {grain} query covers at most {limit} days")
    params = {"first": first_day.isoformat(), "last": last_day.isoformat(), "queue": queue}
    return [_row(grain, row) for row in con.rows(_SQL[grain], params)]


def staffing_plan(con: Reader, day: object, queue: str, service_level: float, answer_within_seconds: int,
                  max_occupancy: float, shrinkage: float) -> dict:
    given = {"serviceLevel": service_level, "answerWithinSeconds": answer_within_seconds,
             "maxOccupancy": max_occupancy, "shrinkage": shrinkage}
    for name, (low, high) in PLAN_RANGES.items():
        if not low <= given[name] <= high:
            raise BadArgument(f"{name}={given[name]!r}: must be between {low} and {high}")
    when = parse_day("date", day)
    rows = con.rows(_FORECAST, {"queue": queue, "day": when.isoformat()})
    if not rows:
        span = con.rows(_FORECAST_RANGE, {})[0]
        covered = f"{span['first']}..{span['last']}" if span["first"] else "nothing yet"
        raise BadArgument(f"date={when}, queue={queue!r}: no published forecast (the forecast covers {covered})")
    intervals = []
    for row in rows:
        try:
            plan = required_agents(row["forecast_calls"], row["aht_seconds"], target_service_level=service_level,
                                   answer_within_seconds=answer_within_seconds, max_occupancy=max_occupancy,
                                   shrinkage=shrinkage)
        except ValueError as error:
            raise BadArgument(str(error).replace("target_service_level", "serviceLevel")) from None
        intervals.append({
            "start": _timestamp(row["interval_start_at"]), "forecastCalls": row["forecast_calls"], "ahtSeconds": row["aht_seconds"],
            "agents": plan.agents, "scheduledAgents": plan.scheduled_agents, "serviceLevel": plan.service_level,
            "occupancy": plan.occupancy, "averageSpeedOfAnswerSeconds": plan.average_speed_of_answer_seconds,
        })
    return {
        "date": when, "queue": queue, "serviceLevel": service_level, "answerWithinSeconds": answer_within_seconds,
        "maxOccupancy": max_occupancy, "shrinkage": shrinkage, "forecastKind": rows[0]["forecast_kind"],
        "forecastCalls": sum(i["forecastCalls"] for i in intervals),
        "scheduledAgentHours": sum(i["scheduledAgents"] for i in intervals) * 0.5,
        "intervals": intervals,
    }


def forecast_accuracy(con: Reader) -> dict | None:
    rows = con.rows(_ACCURACY, {})
    return rows[0] if rows else None
