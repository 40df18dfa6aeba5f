"""Write-backs reach the warehouse once: mutations over HTTP on the built demo, then the
next `hub build` loads them into raw through the ops contracts, the marts take them in,
the published build records their seq, and the profile shows each exactly once."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from pathlib import Path

import duckdb
import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import get_settings
from hub.writeback import Append, append, log_engine
from ingestion.load import ingest
from ingestion.ops_export import CHECKPOINT
from tests.api.conftest import serving
from tests.conftest import run_hub

pytestmark = [pytest.mark.slow, pytest.mark.scale, pytest.mark.xdist_group("writeback_build")]

PROFILE = """query($id: ID) { customer(id: $id) { id contacts { contactId } offerResponses { product response }
  openWorkOrders { workOrderId stage } consents { channel purpose status } lifecycle { hasMarketingConsent } } }"""


def _warehouse(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_write_backs_reach_the_marts_once_after_the_next_build(demo_copy: Path) -> None:
    settings = get_settings()
    with sqlite3.connect(demo_copy / "serving.db") as con:
        a, b, c = [r[0] for r in con.execute(
            "select customer_id from customers where has_marketing_consent order by customer_id limit 3")]
        served_order, served_stage = con.execute(
            "select work_order_id, stage from open_work_orders where stage = 'on_site' order by work_order_id").fetchone()
    engine = ops_engine(settings.ops_url)
    key, agent = create_key(engine, "contact_engine", "e2e"), create_key(engine, "agent", "e2e")
    engine.dispose()

    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query: str, variables: dict, token: str = key) -> dict:
            body = client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {token}"}).json()
            assert "errors" not in body, body
            return body["data"]

        def mutate(name: str, input_type: str, data: dict, idem: str | None = None) -> dict:
            query = f"mutation($k: String!, $i: {input_type}!) {{ {name}(idempotencyKey: $k, input: $i) {{ eventId workOrderId }} }}"
            return post(query, {"k": idem or uuid.uuid4().hex, "i": data})[name]

        contact = {"customerId": a, "channel": "chat", "direction": "inbound", "disposition": "work_order_opened",
                   "startedAt": "2026-11-23T09:00:00+08:00", "contactId": "CHAT-E2E-1", "notes": "客户说仪表报警"}
        first = mutate("recordContact", "ContactInput", contact, idem="e2e-contact")
        assert mutate("recordContact", "ContactInput", contact, idem="e2e-contact") == first  # a retry
        opened = mutate("openWorkOrder", "WorkOrderInput", {"customerId": a, "category": "repair", "priority": "P2",
                                                            "contactId": "CHAT-E2E-1"})["workOrderId"]
        mutate("advanceWorkOrder", "WorkOrderStageInput", {"workOrderId": opened, "stage": "dispatched", "engineerId": "E9"})
        mutate("advanceWorkOrder", "WorkOrderStageInput", {"workOrderId": served_order, "stage": "resolved",
                                                           "parts": [{"partNo": "TB-100", "quantity": 1}]})
        mutate("recordSurvey", "SurveyInput", {"customerId": a, "surveyType": "csat", "score": 5, "contactId": "CHAT-E2E-1"})
        mutate("recordOfferResponse", "OfferResponseInput", {"customerId": b, "product": "financing", "response": "accepted"})
        for channel in ("sms", "phone", "email", "wechat", "app"):
            mutate("setConsent", "ConsentInput", {"customerId": c, "channel": channel, "purpose": "marketing",
                                                  "status": "withdrawn"})
        live = post(PROFILE, {"id": c}, agent)["customer"]
        assert live["lifecycle"]["hasMarketingConsent"] is False

        out = run_hub("build", data_dir=demo_copy)
        assert re.search(r"^build \S+ succeeded", out.stdout, re.M), out.stdout + out.stderr

        # the marts hold each event once
        assert _warehouse(demo_copy, "select ops_seq, event_count from marts.ops_watermark") == [(11, 11)]
        assert _warehouse(demo_copy, "select contact_id, customer_id, survey_score from marts.fct_contacts") == [
            ("CHAT-E2E-1", a, 5)]
        assert _warehouse(demo_copy, f"""select work_order_id, customer_id, work_order_status, is_open, customer_resolved_by
            from marts.fct_work_orders where work_order_id in ('{opened}', '{served_order}') order by work_order_id""") == sorted(
            [(opened, a, "dispatched", True, "contact_engine"),
             (served_order, _owner(demo_copy, served_order), "resolved", False, _resolved_by(demo_copy, served_order))])
        assert _warehouse(demo_copy, f"""select count(*) filter (where work_order_stage = 'resolved' and is_current_stage)
            from marts.fct_work_order_stages where work_order_id = '{served_order}'""") == [(1,)]
        assert served_stage == "on_site"
        assert _warehouse(demo_copy, "select customer_id, product, offer_response from marts.fct_offer_responses") == [
            (b, "financing", "accepted")]
        assert _warehouse(demo_copy, f"""select count(*), bool_or(is_granted) from marts.fct_consents
            where customer_id = '{c}' and consent_purpose = 'marketing'""") == [(5, False)]
        with sqlite3.connect(demo_copy / "serving.db") as con:
            assert con.execute("select ops_seq from _build").fetchall() == [(11,)]
            assert con.execute(f"select has_marketing_consent from customers where customer_id = '{c}'").fetchone() == (0,)

        # the profile now comes from the marts: nothing shown twice
        profile = post(PROFILE, {"id": a}, agent)["customer"]
        assert [x["contactId"] for x in profile["contacts"]] == ["CHAT-E2E-1"]
        assert [w["workOrderId"] for w in profile["openWorkOrders"]].count(opened) == 1
        assert post(PROFILE, {"id": b}, agent)["customer"]["offerResponses"] == [{"product": "financing", "response": "accepted"}]
        assert post(PROFILE, {"id": c}, agent)["customer"]["lifecycle"]["hasMarketingConsent"] is False

    # re-running ingestion loads nothing; after a lost export checkpoint the next export
    # covers events already loaded, and their natural key keeps them from loading twice
    assert ingest(settings, ("ops",)).totals()["rows_loaded"] == 0
    (demo_copy / "landing" / "ops" / CHECKPOINT).unlink()
    log = log_engine(settings.ops_url, writer=True)
    payload = {"channel": "sms", "purpose": "marketing", "status": "granted", "source": None}
    append(log, [Append({"event_id": uuid.uuid4().hex, "kind": "consent", "customer_id": c,
                         "payload": json.dumps(payload), "scope": "contact_engine", "idempotency_key": "e2e-late",
                         "request_hash": "h", "response": "{}", "recorded_at": "2026-11-23T12:00:00.000Z"})])
    log.dispose()
    again = ingest(settings, ("ops",)).totals()
    # files of the same content as before are skipped as re-sent; the consents file has one new row
    assert (again["rows_loaded"], again["rows_duplicate"], again["rows_quarantined"]) == (1, 5, 0)
    assert _warehouse(demo_copy, "select count(*), max(seq) from raw.ops__consents") == [(6, 12)]


def _owner(data_dir: Path, work_order_id: str) -> str:
    return _warehouse(data_dir, f"select customer_id from marts.fct_work_orders where work_order_id = '{work_order_id}'")[0][0]


def _resolved_by(data_dir: Path, work_order_id: str) -> str:
    return _warehouse(data_dir, f"select customer_resolved_by from marts.fct_work_orders where work_order_id = '{work_order_id}'")[0][0]
