"""GraphQL kpis, staffingPlan and forecastAccuracy over HTTP on the fixture marts
(tests/publish/marts.py: CONTACT_CENTER_ROWS)."""

from __future__ import annotations

import pytest

KPIS = """query($from: Date!, $to: Date!, $queue: String, $grain: KpiGrain) {
  kpis(from: $from, to: $to, queue: $queue, grain: $grain) {
    queue grain date periodStart offered answered abandoned shortAbandoned
    serviceLevel { value numerator denominator } abandonRate { value numerator denominator }
    averageSpeedOfAnswer { value } averageHandleTime { value } occupancy { value }
    firstContactResolution { value numerator denominator } csat { value numerator denominator }
  }
}"""
PLAN = """query($date: Date!, $queue: String!, $sl: Float, $within: Int) {
  staffingPlan(date: $date, queue: $queue, serviceLevel: $sl, answerWithinSeconds: $within) {
    date queue forecastKind forecastCalls scheduledAgentHours
    intervals { start forecastCalls ahtSeconds agents scheduledAgents serviceLevel occupancy }
  }
}"""


def _data(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_daily_kpis_carry_numerator_and_denominator(api):
    rows = _data(api(KPIS, role="executive", variables={"from": "2026-03-30", "to": "2026-03-31"}))["kpis"]
    assert [(r["date"], r["queue"]) for r in rows] == [
        ("2026-03-30", "service"), ("2026-03-31", "repair"), ("2026-03-31", "service")]
    first = rows[0]
    assert (first["offered"], first["answered"], first["abandoned"], first["shortAbandoned"]) == (100, 90, 10, 4)
    assert first["serviceLevel"] == {"value": 0.75, "numerator": 72.0, "denominator": 96.0}
    assert first["abandonRate"] == {"value": 6 / 96, "numerator": 6.0, "denominator": 96.0}
    assert (first["averageSpeedOfAnswer"]["value"], first["averageHandleTime"]["value"]) == (20.0, 300.0)
    assert first["occupancy"]["value"] == 0.5
    assert first["firstContactResolution"] == {"value": 0.8, "numerator": 40.0, "denominator": 50.0}
    assert first["csat"]["value"] == 0.8
    # the Beijing day starts at 16:00 UTC the day before
    assert first["periodStart"] == "2026-03-29T16:00:00Z"


def test_total_rolls_up_exactly_from_the_counts(api):
    rows = _data(api(KPIS, role="admin", variables={"from": "2026-03-30", "to": "2026-03-31", "queue": "service",
                                                    "grain": "TOTAL"}))["kpis"]
    assert len(rows) == 1
    total = rows[0]
    assert total["offered"] == 150
    # (72 + 45) / (96 + 50), not the mean of 0.75 and 0.9
    assert total["serviceLevel"] == {"value": 117 / 146, "numerator": 117.0, "denominator": 146.0}
    assert total["firstContactResolution"]["value"] == 70 / 90


def test_interval_kpis_have_no_fcr_or_csat(api):
    rows = _data(api(KPIS, role="executive", variables={"from": "2026-03-31", "to": "2026-03-31",
                                                        "grain": "INTERVAL"}))["kpis"]
    assert len(rows) == 1
    assert rows[0]["periodStart"] == "2026-03-31T01:00:00Z"
    assert rows[0]["serviceLevel"]["value"] == 18 / 19
    assert rows[0]["firstContactResolution"] is None and rows[0]["csat"] is None


def test_staffing_plan_reproduces_the_erlang_c_reference(api):
    plan = _data(api(PLAN, role="executive", variables={"date": "2026-04-01", "queue": "service"}))["staffingPlan"]
    assert plan["forecastKind"] == "future" and plan["forecastCalls"] == 100.0
    nine, half_past = plan["intervals"]
    assert (nine["agents"], nine["scheduledAgents"]) == (14, 20)
    assert (round(nine["serviceLevel"], 3), round(nine["occupancy"], 3)) == (0.888, 0.714)
    assert (half_past["agents"], half_past["scheduledAgents"]) == (0, 0)
    assert plan["scheduledAgentHours"] == 10.0


def test_a_stricter_target_needs_more_agents(api):
    plan = _data(api(PLAN, role="admin", variables={"date": "2026-04-01", "queue": "service", "sl": 0.9,
                                                    "within": 10}))["staffingPlan"]
    assert plan["intervals"][0]["agents"] > 14
    assert plan["intervals"][0]["serviceLevel"] >= 0.9


def test_forecast_accuracy(api):
    accuracy = _data(api("{ forecastAccuracy { modelName heldOutWeeks wape seasonalNaiveWape wapeImprovement } }",
                         role="executive"))["forecastAccuracy"]
    assert accuracy == {"modelName": "hgb_poisson_v1", "heldOutWeeks": 4, "wape": 0.65, "seasonalNaiveWape": 0.83,
                        "wapeImprovement": pytest.approx(1 - 0.65 / 0.83)}


@pytest.mark.parametrize(("variables", "message"), [
    ({"from": "2026-03-31", "to": "2026-03-30"}, "to=2026-03-30: must not be before from=2026-03-31"),
    ({"from": "2026-13-01", "to": "2026-03-30"}, "from='2026-13-01': must be a date YYYY-MM-DD"),
    ({"from": "2026-01-01", "to": "2026-03-30", "grain": "INTERVAL"}, "covers at most 31 days"),
])
def test_bad_ranges_name_the_field_value_and_rule(api, variables, message):
    body = api(KPIS, role="executive", variables=variables).json()
    assert message in body["errors"][0]["message"]


def test_no_forecast_for_the_day_says_what_is_covered(api):
    body = api(PLAN, role="executive", variables={"date": "2026-05-01", "queue": "service"}).json()
    assert body["errors"][0]["message"] == (
        "date=2026-05-01, queue='service': no published forecast (the forecast covers 2026-04-01..2026-04-01)")


def test_bad_target_is_refused(api):
    body = api(PLAN, role="executive", variables={"date": "2026-04-01", "queue": "service", "sl": 1.5}).json()
    assert body["errors"][0]["message"].startswith("serviceLevel=1.5: must be")


@pytest.mark.parametrize("role", ["agent", "marketer", "rnd", "contact_engine"])
def test_other_roles_cannot_read_kpis(api, role):
    response = api(KPIS, role=role, variables={"from": "2026-03-30", "to": "2026-03-31"})
    assert response.status_code == 400
    assert f"is not available to role {role}" in response.json()["errors"][0]["message"]
