"""Dispatch over GraphQL on HTTP (issue 21, items 5 and 6): engineers on duty from the roster,
their open orders and load, the suggested assignee, the SLA worklist, parts per order, and
who may read them. Fixture rows: tests/publish/marts.py DISPATCH."""

from __future__ import annotations

import pytest

from tests.publish.marts import EAST, NORTH

AT = "2026-03-31T06:00:00Z"

ON_DUTY = """query ($region: String!, $at: DateTime, $first: Int! = 50, $after: ID) {
  engineersOnDuty(region: $region, at: $at, first: $first, after: $after) {
    engineerId regionOffice skills onDutyFrom onDutyUntil load openOrders { workOrderId status component } } }"""
SUGGEST = """query ($workOrderId: ID, $region: String, $component: String, $category: String, $at: DateTime,
                   $first: Int! = 3) {
  suggestAssignee(workOrderId: $workOrderId, region: $region, component: $component, category: $category, at: $at,
                  first: $first) { engineer { engineerId load onDutyUntil } reasons } }"""
WORKLIST = """query ($first: Int! = 50, $after: String, $region: String) {
  slaAtRisk(first: $first, after: $after, region: $region) {
    edges { cursor node { workOrderId measure stage state targetMinutes elapsedMinutes minutesLeft engineerId
                          regionOffice dueAt asOf } }
    pageInfo { hasNextPage endCursor } } }"""


def _data(response, field):
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"][field]


def _error(response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None or all(v is None for v in body["data"].values()), body
    return body["errors"][0]["message"]


def test_engineers_on_duty_are_those_whose_shift_covers_the_time_with_their_load_and_orders(api):
    engineers = _data(api(ON_DUTY, role="dispatcher", variables={"region": NORTH, "at": AT}), "engineersOnDuty")
    assert [e["engineerId"] for e in engineers] == ["E1001", "E1002", "E1003", "E1005"]  # E1004 went off at 00:00
    by_id = {e["engineerId"]: e for e in engineers}
    assert by_id["E1002"]["skills"] == ["engine", "turbocharger"]
    assert by_id["E1002"]["onDutyFrom"] == "2026-03-31T00:00:00.000000Z" and by_id["E1002"]["onDutyUntil"] == "2026-03-31T12:00:00.000000Z"
    assert {e["engineerId"]: e["load"] for e in engineers} == {"E1001": 0, "E1002": 2, "E1003": 1, "E1005": 0}
    assert [o["workOrderId"] for o in by_id["E1002"]["openOrders"]] == ["W5", "W1"]  # oldest first
    assert by_id["E1002"]["openOrders"][1] == {"workOrderId": "W1", "status": "on_site", "component": "turbocharger"}
    # a shift ending at 06:00 sharp is over; the night before, E1004 was on
    night = _data(api(ON_DUTY, role="dispatcher", variables={"region": NORTH, "at": "2026-03-31T02:00:00+08:00"}),
                  "engineersOnDuty")
    assert [e["engineerId"] for e in night] == ["E1004"]
    east = _data(api(ON_DUTY, role="dispatcher", variables={"region": EAST, "at": AT}), "engineersOnDuty")
    assert [e["engineerId"] for e in east] == ["E2001"]


def test_engineers_on_duty_page_by_engineer_id(api):
    first = _data(api(ON_DUTY, role="dispatcher", variables={"region": NORTH, "at": AT, "first": 3}), "engineersOnDuty")
    rest = _data(api(ON_DUTY, role="dispatcher", variables={"region": NORTH, "at": AT, "after": first[-1]["engineerId"]}),
                 "engineersOnDuty")
    assert [e["engineerId"] for e in first + rest] == ["E1001", "E1002", "E1003", "E1005"]


def test_suggested_assignee_is_on_duty_skilled_in_the_region_and_least_loaded(api):
    # W7 needs a turbocharger engineer in 华北: E1003 (1 open order) before E1002 (2); E1004 is off duty
    found = _data(api(SUGGEST, role="dispatcher", variables={"workOrderId": "W7", "at": AT}), "suggestAssignee")
    assert [s["engineer"]["engineerId"] for s in found] == ["E1003", "E1002"]
    assert found[0]["reasons"] == [f"on duty in {NORTH} until 2026-03-31 08:00 UTC", "repairs turbocharger",
                                   "1 open work order (the fewest of the skilled engineers on duty)"]
    assert found[1]["reasons"][-1] == "2 open work orders"
    # by region and component: engine -> E1001 (none open) before E1002
    engine = _data(api(SUGGEST, role="dispatcher", variables={"region": NORTH, "component": "engine",
                                                               "category": "repair", "at": AT}), "suggestAssignee")
    assert [s["engineer"]["engineerId"] for s in engine] == ["E1001", "E1002"]
    # equal load: the one with more of the shift left first (E1005 until 18:00, E1001 until 12:00)
    anyone = _data(api(SUGGEST, role="dispatcher", variables={"region": NORTH, "at": AT, "first": 4}),
                   "suggestAssignee")
    assert [s["engineer"]["engineerId"] for s in anyone] == ["E1005", "E1001", "E1003", "E1002"]
    nobody = _data(api(SUGGEST, role="dispatcher", variables={"region": NORTH, "component": "axle", "at": AT}),
                   "suggestAssignee")
    assert nobody == []


@pytest.mark.parametrize(("variables", "message"), [
    ({"workOrderId": "W8"}, "a consultation sends no engineer (only repair and rescue orders do)"),
    ({"workOrderId": "W404"}, "work order 'W404' is no open work order of the served build"),
    ({}, "suggestAssignee needs either workOrderId or region (with component, category), not both"),
    ({"workOrderId": "W7", "region": NORTH}, "suggestAssignee needs either workOrderId or region"),
    ({"region": NORTH, "component": "wheels"}, "component 'wheels' is not one of engine"),
    ({"region": "火星服务中心"}, "region '火星服务中心' is no region office of the roster"),
    ({"region": NORTH, "at": "2026-03-31 06:00"}, "at must be an ISO 8601 time with a time zone"),
    ({"region": NORTH, "first": 21}, "first must be between 1 and 20"),
])
def test_bad_dispatch_arguments_are_caller_errors(api, variables, message):
    assert message in _error(api(SUGGEST, role="dispatcher", variables={"at": AT} | variables))


def test_sla_worklist_is_paged_most_urgent_first_across_customers(api):
    first = _data(api(WORKLIST, role="dispatcher", variables={"first": 2}), "slaAtRisk")
    nodes = [edge["node"] for edge in first["edges"]]
    assert [(n["workOrderId"], n["measure"], n["state"], n["minutesLeft"]) for n in nodes] == [
        ("W5", "resolve", "breached", -120.0), ("W7", "created", "breached", -60.0)]
    assert nodes[0] | {"dueAt": None} == {
        "workOrderId": "W5", "measure": "resolve", "stage": "accepted", "state": "breached", "targetMinutes": 2880,
        "elapsedMinutes": 3000.0, "minutesLeft": -120.0, "engineerId": "E1002", "regionOffice": NORTH, "dueAt": None,
        "asOf": "2026-03-31T06:00:00.000000Z"}
    seen = [n["workOrderId"] for n in nodes]
    page = first["pageInfo"]
    while page["hasNextPage"]:
        more = _data(api(WORKLIST, role="dispatcher", variables={"first": 2, "after": page["endCursor"]}), "slaAtRisk")
        seen += [edge["node"]["workOrderId"] for edge in more["edges"]]
        page = more["pageInfo"]
    # on-track and finished measures are not on the list
    assert seen == ["W5", "W7", "W9", "W6", "W1"]
    north = _data(api(WORKLIST, role="dispatcher", variables={"region": NORTH}), "slaAtRisk")
    assert [edge["node"]["workOrderId"] for edge in north["edges"]] == ["W5", "W7", "W6", "W1"]
    assert "not a cursor of slaAtRisk" in _error(api(WORKLIST, role="dispatcher", variables={"after": "bm9wZQ=="}))


@pytest.mark.parametrize("query", [ON_DUTY, SUGGEST, WORKLIST])
@pytest.mark.parametrize("role", ["agent", "contact_engine", "marketer", "rnd", "executive", "supervisor", "privacy"])
def test_only_dispatchers_and_admins_read_dispatch(api, query, role):
    variables = {"region": NORTH, "at": AT}
    field = next(name for name in ("engineersOnDuty", "suggestAssignee", "slaAtRisk") if name in query)
    response = api(query, role=role, variables=variables if field != "slaAtRisk" else {})
    body = response.json()
    assert "data" not in body or body["data"] is None, body
    assert f"field Query.{field} is not available to role {role}" in response.text
    admin = api(query, role="admin", variables=variables if field != "slaAtRisk" else {})
    assert admin.status_code == 200 and "errors" not in admin.json(), admin.text


def test_a_dispatcher_reads_no_customer(api):
    response = api('{ customer(id: "CU1") { id } }', role="dispatcher")
    assert "field Query.customer is not available to role dispatcher" in response.text


def test_service_history_shows_the_parts_used(api):
    query = """{ customer(id: "CU1") { serviceHistory(first: 5) { edges { node { workOrderId
                 partsUsed { partNo quantity warehouse engineerId usedAt } } } } } }"""
    edges = _data(api(query), "customer")["serviceHistory"]["edges"]
    parts = {edge["node"]["workOrderId"]: edge["node"]["partsUsed"] for edge in edges}
    assert parts["W4"] == []
    assert parts["W2"] == [
        {"partNo": "P-BRK-0003", "quantity": 2, "warehouse": "华北中心库", "engineerId": "E07", "usedAt": "2026-03-02T08:00:00.000000Z"},
        {"partNo": "P-BRK-0100", "quantity": 1, "warehouse": "华北中心库", "engineerId": "E07", "usedAt": "2026-03-02T08:00:00.000000Z"}]
