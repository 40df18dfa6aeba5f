"""PIPL for sales leads on the fixture marts (tests/publish/marts.py), through HTTP and the `hub`
CLI: the access export lists the leads a customer left and their status write-backs; erasure
empties those leads in raw, landing, the marts and the served hand-over list, and the status
notes in the write-back log, raw and the ops landing files; `hub privacy verify` scans for
the numbers the leads carried.

CU1 left LD2 (on CU1's phone, served) and LD8 (matched by e-mail, on a number only the lead
gave; LD2's repeat). LD1 is someone else's lead and stays as it was.
"""

from __future__ import annotations

import json
import uuid

import duckdb
import httpx
import sqlalchemy as sa

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from ingestion.load import ingest
from orchestration.lib.privacy.erase import verify
from orchestration.lib.publish import publish
from tests.api.conftest import serving
from tests.conftest import run_hub
from tests.publish.marts import make_warehouse

LEAD_NUMBER = "+8613900139008"  # LD8's number: no CRM record has it
EMAIL = "zhang.wei@example.com"
NOTE = "张伟 asks for a call back on 13900139008 after 6 pm"
LEAD8 = f"""insert into marts.fct_leads values
    ('LD8', 'LD2', 'CU1', '{LEAD_NUMBER}', '{EMAIL}', false, 'email', 'website', '张伟', 'mobile', true,
     '山东省', '济南', 'financing', 2, true, 'customer', 'under_3', 'within_30_days', 'new', 2, 0.5,
     '2026-03-22 02:00:00', null);"""
LANDING = (
    "lead_id,lead_source,name,phone,email,province,city,interest,fleet_size,"
    "consent_to_contact,created_at\n"
    "LD1,referral,刘洋,137 0013 7001,,山东省,济南,new_vehicle,12,true,2026-03-28 10:00:00\n"
    "LD2,dealer_event,张伟,13800138000,,山东省,济南,financing,2,true,2026-03-20 10:00:00\n"
    f"LD8,website,张伟,139-0013-9008,{EMAIL},山东省,济南,financing,2,true,2026-03-22 10:00:00\n"
)
STATUS = """mutation($k: String!, $i: LeadStatusInput!) {
  recordLeadStatus(idempotencyKey: $k, input: $i) { eventId } }"""


def _warehouse(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_a_customers_leads_are_exported_erased_in_every_layer_and_verified(tmp_path):
    data_dir = tmp_path / "var"
    settings = Settings(data_dir=data_dir)
    make_warehouse(settings.warehouse_path, LEAD8)
    publish(settings)
    landing = settings.landing_dir / "sales" / "leads_20260330.csv"
    landing.parent.mkdir(parents=True, exist_ok=True)
    landing.write_text(LANDING, encoding="utf-8")
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "sales", "test sales")
    engine.dispose()
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        for lead, note in (("LD2", NOTE), ("LD1", "prefers mornings")):
            response = client.post("/graphql", headers={"Authorization": f"Bearer {key}"}, json={
                "query": STATUS, "variables": {"k": uuid.uuid4().hex, "i": {
                    "leadId": lead, "status": "contacted", "salesRepId": "S01", "note": note}}})
            assert "errors" not in response.json(), response.text
    assert ingest(settings, ("sales", "ops")).reconciles  # setup: the CLI's own ingest, in process
    statuses = next((settings.landing_dir / "ops").glob("lead_statuses_*.jsonl"))
    assert NOTE in statuses.read_text(encoding="utf-8")

    out = tmp_path / "access.json"
    printed = run_hub("privacy", "export", "--customer", "CU1", "--out", str(out), data_dir=data_dir).stdout
    assert "leads 2" in printed and NOTE not in printed
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["leads"] == ["LD2", "LD8"]
    assert {r["lead_id"] for r in document["raw"]["raw.sales__leads"]["rows"]} == {"LD2", "LD8"}
    assert [r["lead_id"] for r in document["raw"]["raw.ops__lead_statuses"]["rows"]] == ["LD2"]
    assert {r["lead_id"] for r in document["warehouse"]["marts.fct_leads"]} == {"LD2", "LD8"}
    assert [r["lead_id"] for r in document["serving"]["sales_leads"]] == ["LD2"]
    lead_events = [json.loads(e["payload"]) for e in document["writeback_events"] if e["kind"] == "lead_status"]
    assert [(e["lead_id"], e["note"]) for e in lead_events] == [("LD2", NOTE)]

    receipt = json.loads(run_hub("privacy", "erase", "--customer", "CU1", "--reason", "ticket PIPL-9",
                                 data_dir=data_dir).stdout)
    changed = receipt["rows_changed"]
    assert changed["raw.sales__leads"] == 2 and changed["raw.ops__lead_statuses"] == 1
    assert changed["serving.sales_leads"] == 1 and changed["warehouse.marts.fct_leads (leads)"] == 2
    assert NOTE not in json.dumps(receipt) and LEAD_NUMBER not in json.dumps(receipt)
    # raw: the leads and the note emptied, someone else's lead and note as they were
    raw = {lead: rest for lead, *rest in _warehouse(
        settings, "select lead_id, name, phone, phone_e164, email, email_normalised from raw.sales__leads")}
    assert raw["LD2"] == raw["LD8"] == [None] * 5 and raw["LD1"][0] == "刘洋"
    assert dict(_warehouse(settings, "select lead_id, note from raw.ops__lead_statuses")) == {
        "LD2": None, "LD1": "prefers mornings"}
    # landing: the lines rewritten in place, every line kept
    lines = landing.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[1].startswith("LD1,referral,刘洋")
    assert "张伟" not in landing.read_text(encoding="utf-8") and "139-0013-9008" not in lines[3]
    assert NOTE not in statuses.read_text(encoding="utf-8") and "prefers mornings" in statuses.read_text("utf-8")
    # marts: the leads stay (counted by source), without name or number, under the pseudonym
    marts = _warehouse(settings, "select lead_id, customer_id, lead_name, phone_e164, email_normalised "
                                 "from marts.fct_leads where lead_id in ('LD2', 'LD8') order by 1")
    assert [r[0] for r in marts] == ["LD2", "LD8"] and all(r[1].startswith("EU") and r[2:] == (None,) * 3
                                                           for r in marts)
    served = sa.create_engine(settings.serving_url)
    with served.connect() as con:
        assert {r for (r,) in con.execute(sa.text("select lead_id from sales_leads"))}.isdisjoint({"LD2", "LD8"})
    with ops_engine(settings.ops_url).connect() as con:
        notes = {json.loads(p)["lead_id"]: json.loads(p)["note"] for (p,) in con.execute(
            sa.text("select payload from writeback_events where kind = 'lead_status'"))}
    assert notes == {"LD2": None, "LD1": "prefers mornings"}

    verified = run_hub("privacy", "verify", "--customer", "CU1", data_dir=data_dir, check=False)
    assert verified.returncode == 0, verified.stdout
    # the scan knows the number only the lead gave: left in a report, it is found
    (settings.reports_dir).mkdir(parents=True, exist_ok=True)
    (settings.reports_dir / "call_list.csv").write_text("lead,phone\nLD8,139 0013 9008\n", encoding="utf-8")
    findings, _ = verify(settings, "CU1")  # what `hub privacy verify` prints a FOUND line for
    assert [(f.kind, f.where.endswith("call_list.csv")) for f in findings] == [("phone", True)], findings
