"""GraphQL scorecards, qaSamples and recordQaReview over HTTP on the fixture marts
(tests/publish/marts.py: SCORECARD_ROWS, week of Monday 2026-03-30)."""

from __future__ import annotations

import sqlite3

SCORECARDS = """query($week: Date!, $scope: ScorecardScope!, $id: String, $kpi: String) {
  scorecards(week: $week, scope: $scope, scopeId: $id, kpi: $kpi) {
    scope scopeId week kpi team queue higherIsBetter value { value numerator denominator }
    target targetMet previousValue trend } }"""
SAMPLES = """query($week: Date!, $agent: String, $reviewed: Boolean, $first: Int!) {
  qaSamples(week: $week, agent: $agent, reviewed: $reviewed, first: $first) {
    callId agentId week queue sampleReason sampleRank requiredReviews reviewed reviewerId
    scores { criterion score } qaPoints qaPossiblePoints qaScore callStartedAt reviewedAt } }"""
REVIEW = """mutation($k: String!, $i: QaReviewInput!) { recordQaReview(idempotencyKey: $k, input: $i) {
  eventId kind recordedAt } }"""
WEEK = "2026-03-30"


def _data(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _error(response) -> str:
    body = response.json()
    assert body.get("data") in (None, {}) or not any(body["data"].values()), body
    return body["errors"][0]["message"]


def _samples(api, role="supervisor", **variables) -> list[dict]:
    return _data(api(SAMPLES, role=role, variables={"week": WEEK, "first": 50, **variables}))["qaSamples"]


def test_team_scorecards_carry_counts_target_and_trend_for_executives_and_supervisors(api):
    for role in ("executive", "supervisor", "admin"):
        rows = _data(api(SCORECARDS, role=role, variables={"week": WEEK, "scope": "TEAM"}))["scorecards"]
        assert [(r["scopeId"], r["kpi"]) for r in rows] == [
            ("service-1", "answered_service_level"), ("service-1", "average_handle_seconds"), ("service-1", "qa_score")]
    level, aht, qa = rows
    assert level["value"] == {"value": 0.9, "numerator": 45.0, "denominator": 50.0}
    assert (level["target"], level["targetMet"], level["previousValue"], level["trend"]) == (0.8, True, 0.7, "better")
    assert (aht["higherIsBetter"], aht["value"]["value"], aht["target"], aht["targetMet"], aht["trend"]) == (
        False, 300.0, 360.0, True, "worse")
    assert (qa["targetMet"], qa["previousValue"], qa["trend"]) == (False, None, None)
    assert (level["scope"], level["week"], level["team"], level["queue"]) == ("TEAM", WEEK, "service-1", "service")


def test_scorecards_filter_by_scope_id_and_kpi_and_keep_an_empty_ratio_null(api):
    agent = _data(api(SCORECARDS, role="supervisor", variables={"week": WEEK, "scope": "AGENT", "id": "A1"}))
    assert [(r["scopeId"], r["kpi"], r["value"]["value"]) for r in agent["scorecards"]] == [
        ("A1", "answered_service_level", 0.8)]
    site = _data(api(SCORECARDS, role="executive", variables={"week": WEEK, "scope": "SITE", "kpi": "csat"}))
    assert site["scorecards"][0]["value"] == {"value": None, "numerator": 0.0, "denominator": 0.0}
    assert site["scorecards"][0]["targetMet"] is None
    previous = _data(api(SCORECARDS, role="executive", variables={"week": "2026-03-23", "scope": "TEAM"}))
    assert [r["value"]["value"] for r in previous["scorecards"]] == [0.7]


def test_scorecard_and_sample_arguments_are_caller_errors(api):
    assert _error(api(SCORECARDS, role="executive", variables={"week": "2026-03-31", "scope": "TEAM"})) == (
        "week=2026-03-31: must be a Monday (the Beijing week's first day), e.g. 2026-03-30")
    assert _error(api(SCORECARDS, role="executive", variables={"week": "2026-13-01", "scope": "TEAM"})).startswith(
        "week='2026-13-01': must be a date")
    assert _error(api(SCORECARDS, role="executive", variables={"week": WEEK, "scope": "TEAM", "kpi": "smile"})) == (
        "kpi='smile': must be one of answered_service_level, average_handle_seconds, "
        "first_contact_resolution_closed, csat, qa_score, qa_coverage")
    assert "first must be between 1 and 100" in _error(
        api(SAMPLES, role="supervisor", variables={"week": WEEK, "first": 0}))


def test_qa_samples_are_the_supervisors_and_name_no_customer(api):
    samples = _samples(api)
    assert [(s["callId"], s["agentId"], s["sampleRank"], s["reviewed"]) for s in samples] == [
        ("CQA1", "A1", 1, True), ("CQA2", "A1", 2, False), ("CQA3", "A2", 1, False)]
    assert samples[0]["scores"] == [{"criterion": "greeting", "score": 5}, {"criterion": "resolution", "score": 3}]
    assert (samples[0]["qaScore"], samples[0]["requiredReviews"], samples[0]["sampleReason"]) == (
        0.8, 5, "new_agent")
    assert "CU1" not in str(samples) and "CU2" not in str(samples)
    assert [s["callId"] for s in _samples(api, agent="A2")] == ["CQA3"]
    for role in ("executive", "agent", "marketer", "rnd"):
        refused = api(SAMPLES, role=role, variables={"week": WEEK, "first": 5}).json()
        assert refused["errors"][0]["message"] == f"field Query.qaSamples is not available to role {role}"
    refused = api(SCORECARDS, role="agent", variables={"week": WEEK, "scope": "TEAM"}).json()
    assert refused["errors"][0]["message"] == "field Query.scorecards is not available to role agent"


def test_a_recorded_review_shows_in_the_sample_at_once_once_per_key_and_scorecards_wait_for_the_build(
        api, published):
    review = {"callId": "CQA2", "reviewerId": "SUP07", "reviewedAt": "2026-04-01T08:00:00Z",
              "scores": [{"criterion": "resolution", "score": 2}, {"criterion": "greeting", "score": 4}]}
    first = _data(api(REVIEW, role="supervisor", variables={"k": "qa-CQA2", "i": review}))["recordQaReview"]
    assert first["kind"] == "qa_review"
    assert _data(api(REVIEW, role="supervisor", variables={"k": "qa-CQA2", "i": review}))["recordQaReview"] == first
    with sqlite3.connect(published.data_dir / "ops.db") as con:
        assert con.execute("select count(*) from writeback_events where idempotency_key = 'qa-CQA2'").fetchone() == (1,)
    reviewed = {s["callId"]: s for s in _samples(api, reviewed=True)}
    assert set(reviewed) == {"CQA1", "CQA2"}
    assert reviewed["CQA2"]["scores"] == [{"criterion": "greeting", "score": 4}, {"criterion": "resolution", "score": 2}]
    assert (reviewed["CQA2"]["reviewerId"], reviewed["CQA2"]["qaPoints"], reviewed["CQA2"]["qaPossiblePoints"],
            reviewed["CQA2"]["qaScore"], reviewed["CQA2"]["reviewedAt"]) == (
        "SUP07", 6, 10, 0.6, "2026-04-01T08:00:00Z")
    assert [s["callId"] for s in _samples(api, reviewed=False)] == ["CQA3"]
    # reviewed again: the latest review counts
    again = {**review, "scores": [{"criterion": "closing", "score": 5}]}
    _data(api(REVIEW, role="admin", variables={"k": "qa-CQA2-again", "i": again}))
    assert next(s for s in _samples(api) if s["callId"] == "CQA2")["qaScore"] == 1.0
    # the scorecards are weekly marts: the review reaches them at the next build (ops export)
    rows = _data(api(SCORECARDS, role="supervisor", variables={"week": WEEK, "scope": "TEAM", "kpi": "qa_score"}))
    assert rows["scorecards"][0]["value"] == {"value": 0.8, "numerator": 8.0, "denominator": 10.0}


def test_a_review_of_a_call_outside_the_sample_or_by_another_role_writes_nothing(api, published):
    review = {"callId": "C-NOT-SAMPLED", "reviewerId": "SUP07", "scores": [{"criterion": "greeting", "score": 4}]}
    assert _error(api(REVIEW, role="supervisor", variables={"k": "qa-none", "i": review})).startswith(
        "input.callId: 'C-NOT-SAMPLED' is not a call of the served QA sample (qa_samples)")
    refused = api(REVIEW, role="executive", variables={"k": "qa-exec", "i": {**review, "callId": "CQA3"}}).json()
    assert refused["errors"][0]["message"] == "field Mutation.recordQaReview is not available to role executive"
    with sqlite3.connect(published.data_dir / "ops.db") as con:
        assert con.execute("select count(*) from writeback_events where idempotency_key in ('qa-none', 'qa-exec')"
                           ).fetchone() == (0,)
