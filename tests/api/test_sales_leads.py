"""Sales' hand-over list over real HTTP, CSV and the CLI on the fixture marts (tests/publish/marts.py),
and the status write-back (docs/marketing.md "Sales leads").

Fixture leads: LD1 a prospect (score 0.8, a repeat LD7); LD2 customer CU1 (0.7; CU1 granted
phone marketing); LD3 customer CU3 (0.9; opted out of personalised marketing); LD4 did not agree
to a call-back; LD5 an unusable number; LD6 already won.
"""

from __future__ import annotations

import csv
import io
import uuid

import httpx

from api.keys import create_key
from api.ops import ops_engine
from hub import audit
from hub.settings import Settings
from tests.api.conftest import publish_fixture, serving
from tests.conftest import run_hub

LEADS = """query($status: String, $region: String, $minScore: Float, $first: Int, $after: String) {
  salesLeads(status: $status, region: $region, minScore: $minScore, first: $first, after: $after) {
    edges { cursor node { leadId customerId name phone source interest score status statusAt repeatCount reasons } }
    pageInfo { hasNextPage endCursor } } }"""
STATUS = """mutation($k: String!, $i: LeadStatusInput!) {
  recordLeadStatus(idempotencyKey: $k, input: $i) { eventId kind customerId } }"""
CONSENT = """mutation($k: String!, $i: ConsentInput!) { setConsent(idempotencyKey: $k, input: $i) { kind } }"""


def _data(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _ids(response) -> list[str]:
    return [edge["node"]["leadId"] for edge in _data(response)["salesLeads"]["edges"]]


def test_hand_over_list_ranks_callable_consenting_leads_and_pages(api):
    response = api(LEADS, role="sales", variables={})
    # LD3's customer opted out, LD4 gave no consent, LD5 no usable number, LD6 is won, LD7 is LD1's repeat
    assert _ids(response) == ["LD1", "LD2"]
    first, second = (edge["node"] for edge in _data(response)["salesLeads"]["edges"])
    assert first["phone"] == "+8613700137001" and first["customerId"] is None and first["repeatCount"] == 1
    assert "a prospect: not a customer yet" in first["reasons"] and "left 1 more lead(s)" in first["reasons"]
    assert second["customerId"] == "CU1" and any("already customer CU1" in r for r in second["reasons"])
    page = _data(api(LEADS, role="sales", variables={"first": 1}))["salesLeads"]
    assert [e["node"]["leadId"] for e in page["edges"]] == ["LD1"] and page["pageInfo"]["hasNextPage"]
    rest = api(LEADS, role="sales", variables={"first": 1, "after": page["pageInfo"]["endCursor"]})
    assert _ids(rest) == ["LD2"]
    assert _ids(api(LEADS, role="sales", variables={"status": "won"})) == ["LD6"]
    assert _ids(api(LEADS, role="sales", variables={"minScore": 0.75})) == ["LD1"]
    assert _ids(api(LEADS, role="sales", variables={"region": "江苏省"})) == []
    bad = api(LEADS, role="sales", variables={"status": "maybe"}).json()
    assert "status 'maybe' is not one of new, contacted, qualified, won, lost" in bad["errors"][0]["message"]
    for role in ("marketer", "agent", "contact_engine"):  # only sales read leads' numbers
        assert api(LEADS, role=role, variables={}).status_code == 400


def test_status_write_back_is_idempotent_visible_at_once_and_checked(tmp_path):
    """recordLeadStatus over HTTP, no build: contacted keeps LD1 on the open list with its new
    status, a retry writes nothing again, won takes it off (and onto status: won); an unknown
    lead, a status outside the vocabulary and another role are refused."""
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("sales", "marketer")}
    engine.dispose()
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query, variables, role="sales"):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})

        key = uuid.uuid4().hex
        first = _data(post(STATUS, {"k": key, "i": {"leadId": "LD1", "status": "contacted", "salesRepId": "S01"}}))
        assert first["recordLeadStatus"]["kind"] == "lead_status"
        again = _data(post(STATUS, {"k": key, "i": {"leadId": "LD1", "status": "contacted", "salesRepId": "S01"}}))
        assert again == first  # the retry gets the first answer
        nodes = {e["node"]["leadId"]: e["node"] for e in _data(post(LEADS, {}))["salesLeads"]["edges"]}
        assert nodes["LD1"]["status"] == "contacted" and nodes["LD1"]["statusAt"].endswith("Z")
        conflict = post(STATUS, {"k": key, "i": {"leadId": "LD1", "status": "won"}}).json()
        assert "idempotencyKey" in conflict["errors"][0]["message"]
        _data(post(STATUS, {"k": uuid.uuid4().hex, "i": {"leadId": "LD1", "status": "won"}}))
        assert _ids(post(LEADS, {})) == ["LD2"]
        assert _ids(post(LEADS, {"status": "won"})) == ["LD1", "LD6"]
        unknown = post(STATUS, {"k": uuid.uuid4().hex, "i": {"leadId": "LD99", "status": "lost"}}).json()
        assert "input.leadId: 'LD99' is not a lead of the served hand-over list" in unknown["errors"][0]["message"]
        wrong = post(STATUS, {"k": uuid.uuid4().hex, "i": {"leadId": "LD2", "status": "new"}}).json()
        assert "input.status: 'new' is not one of contacted, qualified, won, lost" in wrong["errors"][0]["message"]
        refused = post(STATUS, {"k": uuid.uuid4().hex, "i": {"leadId": "LD2", "status": "lost"}}, role="marketer")
        assert refused.status_code == 400


def test_leads_csv_and_cli_apply_the_same_rule_and_are_audited(tmp_path):
    """GraphQL, GET /export/leads.csv and `hub marketing leads` hand over the same leads; CU1
    withdrawing phone marketing through the API takes LD2 off all three at once; each row sent
    leaves one audit row (the customer behind the lead, else the lead) naming the list."""
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("sales", "contact_engine", "marketer")}
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query, variables, role="sales"):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})

        def csv_ids() -> list[str]:
            response = client.get("/export/leads.csv", headers={"Authorization": f"Bearer {keys['sales']}"})
            assert response.status_code == 200, response.text
            rows = list(csv.DictReader(io.StringIO(response.text)))
            assert all(row["phone_e164"].startswith("+86") for row in rows)
            return [row["lead_id"] for row in rows]

        def cli_ids() -> list[str]:
            out = run_hub("marketing", "leads", data_dir=settings.data_dir)
            return [row["lead_id"] for row in csv.DictReader(io.StringIO(out.stdout))]

        assert _ids(post(LEADS, {})) == csv_ids() == cli_ids() == ["LD1", "LD2"]
        assert client.get("/export/leads.csv").status_code == 401
        assert client.get("/export/leads.csv", headers={"Authorization": f"Bearer {keys['marketer']}"}).status_code == 403
        bad = client.get("/export/leads.csv", params={"minScore": "2"}, headers={"Authorization": f"Bearer {keys['sales']}"})
        assert bad.status_code == 400 and "minScore 2.0 must lie between 0 and 1" in bad.text
        rows = audit.read(engine, limit=1000)
        sent = [(r["action"], r["customer_id"], r["detail"].get("list")) for r in rows if r["action"] != "key_created"]
        assert sorted(sent) == sorted([("list_row", "LD1", "sales_leads"), ("list_row", "CU1", "sales_leads")]
                                      + [("export_row", "LD1", "sales_leads"), ("export_row", "CU1", "sales_leads")] * 2)
        withdrawn = post(CONSENT, {"k": uuid.uuid4().hex, "i": {"customerId": "CU1", "channel": "phone",
                                                                "purpose": "marketing", "status": "withdrawn"}},
                         role="contact_engine")
        assert _data(withdrawn)["setConsent"] == {"kind": "consent"}
        assert _ids(post(LEADS, {})) == csv_ids() == cli_ids() == ["LD1"]
    assert audit.verify(engine, audit.chain_key(settings)).ok
    engine.dispose()
