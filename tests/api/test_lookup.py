"""Screen-pop lookups: any phone format, VIN, CRM duplicate, merged id, search pages."""

from __future__ import annotations

import pytest

from tests.publish.marts import VIN_B, VIN_C

SCREEN_POP = """
query($id: ID, $phone: String, $vin: String, $crm: ID) {
  customer(id: $id, phone: $phone, vin: $vin, crmId: $crm) {
    id name city
    phones { number isCallerId }
    vehicles { vin health { activeFaultCount drivingScore } }
    recentCalls(first: 2) { callId startedAt }
    openWorkOrders { workOrderId stage slaState }
    lifecycle { stage churnRisk callCount hasMarketingConsent }
  }
}
"""


@pytest.mark.parametrize(
    "raw", ["+86 138 0013 8000", "0086-13800138000", "138-0013-8000", "13800138000", "+8613800138000"]
)
def test_phone_in_any_format_finds_one_customer(api, raw):
    response = api(SCREEN_POP, variables={"phone": raw})
    assert response.status_code == 200, response.text
    customer = response.json()["data"]["customer"]
    assert customer["id"] == "CU1"
    assert customer["name"] == "张伟"
    assert [c["callId"] for c in customer["recentCalls"]] == ["C3", "C2"]
    assert customer["lifecycle"] == {"stage": "active", "churnRisk": 0.12, "callCount": 3, "hasMarketingConsent": True}


def test_switchboard_and_unknown_numbers_pop_nobody(api):
    for raw in ["010-6552-9988", "13700000000", "not a number"]:
        body = api(SCREEN_POP, variables={"phone": raw}).json()
        assert body == {"data": {"customer": None}}


def test_merged_id_resolves_to_survivor(api):
    customer = api(SCREEN_POP, variables={"id": "CU9"}).json()["data"]["customer"]
    assert customer["id"] == "CU1"


def test_duplicate_crm_records_resolve_to_one_customer(api):
    ids = {api(SCREEN_POP, variables={"crm": crm}).json()["data"]["customer"]["id"] for crm in ("CRM1", "CRM2")}
    assert ids == {"CU1"}


def test_vin_finds_current_owner_not_previous(api):
    assert api(SCREEN_POP, variables={"vin": VIN_B.lower()}).json()["data"]["customer"]["id"] == "CU1"


def test_open_work_order_carries_stage_and_sla_state(api):
    customer = api(SCREEN_POP, variables={"vin": VIN_C}).json()["data"]["customer"]
    assert customer["openWorkOrders"] == [{"workOrderId": "W1", "stage": "on_site", "slaState": "breached"}]
    assert customer["vehicles"] == [{"vin": VIN_C, "health": {"activeFaultCount": None, "drivingScore": None}}]


def test_vehicle_health_from_telematics(api):
    vehicles = api(SCREEN_POP, variables={"id": "CU1"}).json()["data"]["customer"]["vehicles"]
    health = {v["vin"]: v["health"] for v in vehicles}
    # 2 harsh-braking events over 1,000 km: 100 - 5 * 0.2; one fault raised twice, cleared once
    assert health["LFWSRXSJ7RA076498"] == {"activeFaultCount": 1, "drivingScore": 99.0}


def test_exactly_one_key_is_required(api):
    body = api("{ customer(id: \"CU1\", vin: \"x\") { id } }").json()
    assert body["data"] == {"customer": None}
    assert body["errors"][0]["message"] == "customer() takes exactly one of id, phone, vin, crmId"


def test_search_pages_with_cursors(api):
    query = """query($after: String) { searchCustomers(text: "张伟", first: 1, after: $after) {
        edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""
    first = api(query).json()["data"]["searchCustomers"]
    assert [e["node"]["id"] for e in first["edges"]] == ["CU1"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = api(query, variables={"after": first["pageInfo"]["endCursor"]}).json()["data"]["searchCustomers"]
    assert [e["node"]["id"] for e in second["edges"]] == ["CU3"]
    assert second["pageInfo"]["hasNextPage"] is False
