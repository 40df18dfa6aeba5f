"""Identity stewardship over GraphQL on real HTTP: setIdentityOverride (steward role,
idempotent, audited, exported to the warehouse), identityOverrides and Customer.identityHistory,
readable only by the roles that need it (docs/identity.md "Stewardship")."""

from __future__ import annotations

import uuid

import duckdb

from ingestion.load import ingest

SET = """mutation ($k: String!, $i: IdentityOverrideInput!) { setIdentityOverride(idempotencyKey: $k, input: $i) {
  overrideId rule leftCrmId rightCrmId inForce changed eventId author } }"""
HISTORY = """{ customer(id: "CU9") { id crmRecordCount identityHistory { kind rule reason author leftCrmId rightCrmId
  fromCustomerId toCustomerId changedAt } } }"""
NEVER = {"action": "add", "rule": "never_link", "leftCrmId": "CRM3", "rightCrmId": "CRM1",
         "reason": "a fleet's manager is not the fleet", "author": "ST001"}


def _set(api, payload, role="steward", key=None):
    return api(SET, role=role, variables={"k": key or uuid.uuid4().hex, "i": payload})


def _errors(response) -> list[str]:
    assert response.status_code in (200, 400), response.text
    return [e["message"] for e in response.json().get("errors", [])]


def test_a_steward_reads_the_identity_history_of_a_customer_and_nothing_personal(api):
    response = api(HISTORY, role="steward")
    assert response.status_code == 200, response.text
    customer = response.json()["data"]["customer"]
    # CU9 was merged into CU1: the old id resolves, and the history is CU1's, newest first
    assert customer["id"] == "CU1" and customer["crmRecordCount"] == 2
    assert [(h["kind"], h["rule"], h["author"]) for h in customer["identityHistory"]] == [
        ("override_added", "always_link", "ST001"), ("merged", None, None)]
    assert customer["identityHistory"][0]["reason"] == "same person, registered by two dealers"
    assert customer["identityHistory"][1]["fromCustomerId"] == "CU9"
    # a steward reads no name or phone and looks nobody up by phone; agents read no history
    assert "name" in _errors(api('{ customer(id: "CU1") { name } }', role="steward"))[0]
    assert _errors(api('{ customer(phone: "13800138000") { id } }', role="steward"))
    refused = _errors(api('{ customer(id: "CU1") { identityHistory { kind } } }', role="agent"))
    assert refused and "identityHistory" in refused[0]
    admin = api('{ customer(id: "CU1") { identityHistory(first: 1) { kind } } }', role="admin")
    assert admin.json()["data"]["customer"]["identityHistory"] == [{"kind": "override_added"}]


def test_set_identity_override_is_checked_idempotent_audited_and_exported(api, published):
    key = uuid.uuid4().hex
    first = _set(api, NEVER, key=key)
    assert first.status_code == 200, first.text
    written = first.json()["data"]["setIdentityOverride"]
    assert (written["rule"], written["leftCrmId"], written["rightCrmId"]) == ("never_link", "CRM1", "CRM3")
    assert written["inForce"] and written["changed"] and written["eventId"]
    # a retry replays the first answer; the same override under a new key writes nothing
    assert _set(api, NEVER, key=key).json()["data"]["setIdentityOverride"] == written
    again = _set(api, NEVER).json()["data"]["setIdentityOverride"]
    assert not again["changed"] and again["eventId"] is None and again["overrideId"] == written["overrideId"]
    # refused with the field, the value and the rule; nothing written
    clash = _errors(_set(api, NEVER | {"rule": "always_link"}))
    assert clash and "never_link override in force" in clash[0]
    assert "input.rightCrmId: 'CRM99' is not a CRM record of the served build" in _errors(
        _set(api, NEVER | {"rightCrmId": "CRM99"}))[0]
    assert "input.rule: 'sometimes' is not one of never_link, always_link" in _errors(
        _set(api, NEVER | {"rule": "sometimes"}))[0]
    assert "same record" in _errors(_set(api, NEVER | {"leftCrmId": "CRM1", "rightCrmId": "CRM1"}))[0]
    assert "not available to role agent" in _errors(_set(api, NEVER, role="agent"))[0]
    listed = api("{ identityOverrides { overrideId rule leftCrmId rightCrmId reason author } }", role="steward")
    assert listed.status_code == 200, listed.text
    assert listed.json()["data"]["identityOverrides"] == [
        {"overrideId": written["overrideId"], "rule": "never_link", "leftCrmId": "CRM1", "rightCrmId": "CRM3",
         "reason": "a fleet's manager is not the fleet", "author": "ST001"}]
    audit = api('{ auditLog(action: "steward_override") { edges { node { role detail } } } }', role="admin")
    nodes = [e["node"] for e in audit.json()["data"]["auditLog"]["edges"]]
    assert len(nodes) == 1 and nodes[0]["role"] == "steward" and written["overrideId"] in nodes[0]["detail"]

    # the override reaches the warehouse through the ops export and its contract
    ingest(published, ("ops",))
    con = duckdb.connect(str(published.warehouse_path), read_only=True)
    try:
        rows = con.execute("select override_action, link_rule, left_crm_customer_id, right_crm_customer_id "
                           "from raw.ops__identity_overrides").fetchall()
    finally:
        con.close()
    assert rows == [("add", "never_link", "CRM1", "CRM3")]

    # removed: out of force; removing again is refused
    removed = _set(api, NEVER | {"action": "remove", "reason": "checked: one person"})
    assert removed.json()["data"]["setIdentityOverride"]["inForce"] is False
    assert "is in force" in _errors(_set(api, NEVER | {"action": "remove"}))[0]
    assert api("{ identityOverrides { overrideId } }", role="steward").json()["data"]["identityOverrides"] == []


def test_the_preview_compares_with_the_ids_of_the_serving_store(published):
    """`hub identity preview`'s baseline is the served crm_customers when a serving store exists."""
    from orchestration.lib.stewardship import served_ids

    ids, baseline = served_ids(published)
    assert baseline == "serving store"
    assert ids["CRM1"] == ids["CRM2"] == "CU1" and ids["CRM3"] == "CU2"
