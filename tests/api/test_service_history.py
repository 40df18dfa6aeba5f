"""The agent's screen-pop shows past service, active faults and open field alerts (issue 21)."""

from __future__ import annotations

from tests.publish.marts import VIN_A, VIN_B

HISTORY = """query ($after: String) { customer(id: "CU1") { serviceHistory(first: 1, after: $after) {
  edges { cursor node { workOrderId status category resolution engineerId callbackScore slaHours isSlaMet
    hoursToResolve createdHours resolvedAt closedAt } }
  pageInfo { hasNextPage endCursor } } } }"""

VEHICLES = """{ customer(id: "CU1") { vehicles { vin
  activeFaults { faultCode component description activeSince }
  openFieldAlerts { alertId level component severity openedDate agentScript } } } }"""


def test_service_history_is_paged_newest_first_with_resolution_engineer_and_callback(api):
    first = api(HISTORY, variables={"after": None})
    assert first.status_code == 200, first.text
    page = first.json()["data"]["customer"]["serviceHistory"]
    assert [edge["node"]["workOrderId"] for edge in page["edges"]] == ["W2"]
    assert page["edges"][0]["node"] | {"resolvedAt": None, "closedAt": None} == {
        "workOrderId": "W2", "status": "closed", "category": "repair", "resolution": "制动管路漏气，更换漏气管接头",
        "engineerId": "E07", "callbackScore": 5, "slaHours": 48, "isSlaMet": True, "hoursToResolve": 24.0,
        "createdHours": None, "resolvedAt": None, "closedAt": None,
    }
    assert page["pageInfo"]["hasNextPage"] is True
    second = api(HISTORY, variables={"after": page["pageInfo"]["endCursor"]}).json()["data"]["customer"]["serviceHistory"]
    assert [edge["node"]["workOrderId"] for edge in second["edges"]] == ["W4"]
    assert second["edges"][0]["node"]["callbackScore"] is None
    assert second["pageInfo"] == {"hasNextPage": False, "endCursor": second["edges"][0]["cursor"]}


def test_a_forged_history_cursor_is_a_caller_error(api):
    """A field error naming the argument (GraphQL's own answer for a resolver's refusal), not an internal error."""
    response = api(HISTORY, variables={"after": "bm90LWEtY3Vyc29y"})  # base64 of "not-a-cursor"
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["message"] == "`after` is not a cursor this API returned"
    assert error["path"] == ["customer", "serviceHistory"]


def test_vehicles_show_active_faults_with_description_and_their_open_field_alert(api):
    response = api(VEHICLES)
    assert response.status_code == 200, response.text
    vehicles = {v["vin"]: v for v in response.json()["data"]["customer"]["vehicles"]}
    # VIN_A's DPF fault is still active; VIN_B's coolant fault was cleared two hours later
    [fault] = vehicles[VIN_A]["activeFaults"]
    assert fault | {"activeSince": fault["activeSince"][:19]} == {
        "faultCode": "3251-0", "component": "aftertreatment",
        "description": "Diesel particulate filter differential pressure above normal (most severe)",
        "activeSince": "2026-03-30T06:00:00",
    }
    assert vehicles[VIN_B]["activeFaults"] == []
    # VIN_A is a J6P: inside the model-wide aftertreatment alert, with the high-severity script
    [alert] = vehicles[VIN_A]["openFieldAlerts"]
    assert alert["alertId"] == "FA-J6P-aftertreatment-ALL-20260320" and alert["level"] == "model"
    assert alert["severity"] == "high" and "for its aftertreatment" in alert["agentScript"]
    assert vehicles[VIN_B]["openFieldAlerts"] == []


def test_rnd_reads_faults_and_alerts_but_not_service_history(api):
    assert api(VEHICLES, role="rnd").status_code == 200
    refused = api(HISTORY, role="rnd", variables={"after": None})
    assert refused.status_code == 400 and "serviceHistory" in refused.text
