"""fieldAlerts / fieldAlert over HTTP for the rnd role, on the publish fixture's alert."""

from __future__ import annotations

ALERT_ID = "FA-J6P-aftertreatment-ALL-20260320"
LIST = """query($state: FieldAlertState, $since: Date, $model: String, $component: String) {
  fieldAlerts(state: $state, since: $since, model: $model, component: $component) { id state severity rateRatio }
}"""
ONE = """query($id: ID!) {
  fieldAlert(id: $id) {
    id level modelCode component buildBatch state severity openedDate observedFailures expectedFailures
    series { date ratePer1000VehicleDays baselinePer1000VehicleDays isSignal }
    failures { vin workOrderId callId faultCode faultDescription failureDate reportedByTelematics }
    batches { name failures } regions { name failures }
  }
}"""


def _data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_rnd_lists_alerts_with_filters(api):
    everything = _data(api(LIST, role="rnd"))["fieldAlerts"]
    assert everything == [{"id": ALERT_ID, "state": "new", "severity": "high", "rateRatio": 6.0}]
    matching = {"state": "new", "since": "2026-03-31", "model": "J6P", "component": "aftertreatment"}
    assert [a["id"] for a in _data(api(LIST, role="rnd", variables=matching))["fieldAlerts"]] == [ALERT_ID]
    for miss in ({"state": "closed"}, {"since": "2026-04-01"}, {"model": "JH6"}, {"component": "brakes"}):
        assert _data(api(LIST, role="rnd", variables=miss))["fieldAlerts"] == [], miss


def test_rnd_reads_one_alert_with_its_evidence(api):
    alert = _data(api(ONE, role="rnd", variables={"id": ALERT_ID}))["fieldAlert"]
    assert (alert["level"], alert["modelCode"], alert["buildBatch"], alert["openedDate"]) == (
        "model", "J6P", None, "2026-03-20")
    assert alert["series"] == [{"date": "2026-03-31", "ratePer1000VehicleDays": 1.71,
                                "baselinePer1000VehicleDays": 0.29, "isSignal": True}]
    [failure] = alert["failures"]
    assert failure["vin"] == "LFWSRXSJ7RA076498" and failure["workOrderId"] == "W2" and failure["callId"] == "C1"
    assert failure["faultDescription"].startswith("司机反映")
    assert alert["batches"] == [{"name": "J6P-2412", "failures": 1}]
    assert alert["regions"] == [{"name": "华北服务中心", "failures": 1}]
    assert _data(api(ONE, role="rnd", variables={"id": "FA-nothing"}))["fieldAlert"] is None


def test_only_rnd_reads_alerts_and_executives_their_summary(api):
    for role in ("agent", "marketer", "supervisor"):
        response = api(LIST, role=role)
        assert "errors" in response.json(), role
    listed = api(LIST, role="executive").json()
    assert listed["data"]["fieldAlerts"] == api(LIST, role="rnd").json()["data"]["fieldAlerts"] != []
    alert_id = listed["data"]["fieldAlerts"][0]["id"]
    summary = ONE.replace("failures { vin workOrderId callId faultCode faultDescription failureDate "
                          "reportedByTelematics }", "")
    one = api(summary, role="executive", variables={"id": alert_id}).json()
    assert "errors" not in one and one["data"]["fieldAlert"]["series"], one
    # the failures behind an alert name vehicles (VINs): R&D's, not an executive's
    refused = api(ONE, role="executive", variables={"id": alert_id}).json()
    assert refused["errors"][0]["message"] == "field FieldAlert.failures is not available to role executive"


def test_bad_since_names_the_argument(api):
    response = api(LIST, role="rnd", variables={"since": "31/03/2026"})
    message = response.json()["errors"][0]["message"]
    assert "since" in message and "31/03/2026" in message
