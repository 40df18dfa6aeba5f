"""Service layer of the scorecards and QA samples (docs/contact_center.md "Scorecards").

Reads the published tables scorecards and qa_samples. A QA review written back since the
served build (recordQaReview) shows in qaSamples at once (read-your-writes, the latest
review of a call counts); the scorecards are weekly aggregates and take it in at the next
build, through the ops export, like every other mart."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine

from api.kpis import parse_day
from api.profiles import BadArgument
from api.store import Reader
from api.writeback import published_seq
from hub.writeback import vocabulary as v
from hub.writeback.store import kind_events

SCOPES = {"AGENT": "agent", "TEAM": "team", "SITE": "site"}
MAX_SCORECARD_ROWS = 2000  # one week of one scope level: a site's agents x the six KPIs
MAX_QA_SAMPLES = 100
MAX_WEEK_SAMPLES = 20_000  # read per week and agent filter before the live reviews fold in

_SCORECARDS = """select scope_level, scope_id, week_start_date, kpi_name, team, queue_name, is_higher_better,
        numerator, denominator, kpi_value, target_value, is_target_met, previous_kpi_value, trend
    from scorecards where scope_level = :scope and week_start_date = :week
        and (:scope_id is null or scope_id = :scope_id) and (:kpi is null or kpi_name = :kpi)
    order by scope_id, kpi_position limit :limit"""
_SAMPLES = """select call_id, agent_id, week_start_date, queue_name, sample_reason, sample_rank, required_reviews,
        is_reviewed, reviewer_id, qa_scores, qa_points, qa_possible_points, qa_score, call_started_at, reviewed_at
    from qa_samples where week_start_date = :week and (:agent is null or agent_id = :agent)
    order by agent_id, sample_rank, call_id limit :limit"""


def monday(name: str, value: object) -> date:
    day = parse_day(name, value)
    if day.weekday() != 0:
        raise BadArgument(f"{name}={day}: must be a Monday (the Beijing week's first day), e.g. "
                          f"{day - timedelta(days=day.weekday())}")
    return day


def _float(value) -> float | None:
    return None if value is None else float(value)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _scorecard(row: Mapping) -> dict:
    numerator, denominator = float(row["numerator"] or 0), float(row["denominator"] or 0)
    return {
        "scope": row["scope_level"].upper(), "scopeId": row["scope_id"], "week": _day(row["week_start_date"]),
        "kpi": row["kpi_name"], "team": row["team"], "queue": row["queue_name"],
        "higherIsBetter": bool(row["is_higher_better"]),
        "value": {"value": _float(row["kpi_value"]), "numerator": numerator, "denominator": denominator},
        "target": _float(row["target_value"]),
        "targetMet": None if row["is_target_met"] is None else bool(row["is_target_met"]),
        "previousValue": _float(row["previous_kpi_value"]), "trend": row["trend"],
    }


def scorecards(con: Reader, week: object, scope: str, scope_id: str | None, kpi: str | None) -> list[dict]:
    from hub.kpis import SCORECARD

    when = monday("week", week)
    if kpi is not None and kpi not in SCORECARD:
        raise BadArgument(f"kpi={kpi[:40]!r}: must be one of {', '.join(SCORECARD)}")
    params = {"scope": SCOPES[scope], "week": when.isoformat(), "scope_id": scope_id, "kpi": kpi,
              "limit": MAX_SCORECARD_ROWS + 1}
    rows = con.rows(_SCORECARDS, params)
    if len(rows) > MAX_SCORECARD_ROWS:
        raise BadArgument(f"scorecards(week: {when}, scope: {scope}): more than {MAX_SCORECARD_ROWS} rows; "
                          "narrow it with scopeId or kpi")
    return [_scorecard(row) for row in rows]


def _scores(text: str | None) -> list[dict]:
    """'greeting=5;resolution=3' (hub.writeback.events) -> [{criterion, score}]."""
    if not text:
        return []
    return [{"criterion": c, "score": int(s)} for c, s in (item.split("=") for item in text.split(";"))]


def _timestamp(value) -> datetime | None:
    """Served timestamps are naive UTC; a live review's is ISO 8601 with Z: naive UTC too."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _sample(row: Mapping, review: Mapping | None) -> dict:
    if review is not None:  # a review since the build replaces what the build knew
        row = {**row, "is_reviewed": True, "reviewer_id": review["reviewer_id"], "qa_scores": review["scores"],
               "qa_points": review["qa_points"], "qa_possible_points": review["qa_possible_points"],
               "qa_score": review["qa_points"] / review["qa_possible_points"], "reviewed_at": review["reviewed_at"]}
    return {
        "callId": row["call_id"], "agentId": row["agent_id"], "week": _day(row["week_start_date"]),
        "queue": row["queue_name"], "sampleReason": row["sample_reason"], "sampleRank": int(row["sample_rank"]),
        "requiredReviews": int(row["required_reviews"]), "reviewed": bool(row["is_reviewed"]),
        "reviewerId": row["reviewer_id"], "scores": _scores(row["qa_scores"]),
        "qaPoints": row["qa_points"], "qaPossiblePoints": row["qa_possible_points"],
        "qaScore": _float(row["qa_score"]), "callStartedAt": _timestamp(row["call_started_at"]),
        "reviewedAt": _timestamp(row["reviewed_at"]),
    }


def live_reviews(con: Reader, ops: Engine | None) -> dict[str, Mapping]:
    """The latest QA review of each call written back after the served build."""
    if ops is None:
        return {}
    with ops.connect() as ops_con:
        events = kind_events(ops_con, v.QA_REVIEW, published_seq(con))
    return {event["payload"]["call_id"]: event["payload"] for event in events}


def qa_samples(con: Reader, ops: Engine | None, week: object, agent: str | None, reviewed: bool | None,
               first: int) -> list[dict]:
    if not 0 < first <= MAX_QA_SAMPLES:
        raise BadArgument(f"qaSamples(first: {first}): first must be between 1 and {MAX_QA_SAMPLES}")
    when = monday("week", week)
    rows = con.rows(_SAMPLES, {"week": when.isoformat(), "agent": agent, "limit": MAX_WEEK_SAMPLES})
    live = live_reviews(con, ops) if rows else {}
    samples = [_sample(row, live.get(row["call_id"])) for row in rows]
    if reviewed is not None:
        samples = [s for s in samples if s["reviewed"] == reviewed]
    return samples[:first]
