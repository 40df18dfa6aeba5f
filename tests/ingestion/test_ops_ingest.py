"""The ops source: write-backs exported from the ops store and loaded through the same
contracts, quarantine and ledger as any export."""

from __future__ import annotations

import json

import duckdb

from hub.settings import Settings
from hub.writeback import Append, append, log_engine
from ingestion.load import ingest
from ingestion.ops_export import CHECKPOINT, export_events


def _consent(seq: int, status: str = "withdrawn") -> Append:
    payload = {"channel": "sms", "purpose": "marketing", "status": status, "source": None}
    return Append({"event_id": f"e{seq}", "kind": "consent", "customer_id": "CU1", "payload": json.dumps(payload),
                   "scope": "contact_engine", "idempotency_key": f"k{seq}", "request_hash": "h", "response": "{}",
                   "recorded_at": f"2026-11-23T10:00:0{seq}.000Z"})


def _contact(seq: int) -> Append:
    payload = {"customer_id": "CU1", "channel": "call", "direction": "inbound", "disposition": "resolved",
               "started_at": "2026-11-23T09:00:00.000Z", "ended_at": None, "queue": None, "agent_id": None,
               "contact_id": None, "notes": "私人备注"}
    return Append({"event_id": f"e{seq}", "kind": "contact", "customer_id": "CU1", "payload": json.dumps(payload),
                   "scope": "contact_engine", "idempotency_key": f"k{seq}", "request_hash": "h", "response": "{}",
                   "recorded_at": "2026-11-23T10:00:00.000Z"})


def test_write_backs_load_through_contracts_quarantine_and_ledger(settings: Settings) -> None:
    log = log_engine(settings.ops_url, writer=True)
    append(log, [_consent(1), _contact(2), _consent(3, status="granted")])
    log.dispose()
    folder = settings.landing_dir / "ops"
    assert [p.name for p in export_events(settings)] == [
        "consents_000000000001-000000000003.jsonl", "contacts_000000000001-000000000003.jsonl"]
    assert (folder / CHECKPOINT).read_text().strip() == "3"
    # a row that breaks its contract (the API would have refused it) is quarantined, not lost
    (folder / "consents_000000000004-000000000004.jsonl").write_text(json.dumps(
        {"seq": 4, "event_id": "e4", "customer_id": "CU1", "recorded_at": "2026-11-23T10:00:04.000Z",
         "channel": "sms", "purpose": "marketing", "consent_status": "maybe"}) + "\n", encoding="utf-8")

    result = ingest(settings, ("ops",))
    assert result.reconciles
    assert result.totals() == {"rows_read": 4, "rows_loaded": 3, "rows_quarantined": 1, "rows_duplicate": 0}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select seq, consent_status, recorded_at from raw.ops__consents order by seq").fetchall() == [
            (1, "withdrawn", _ts("2026-11-23 10:00:01")), (3, "granted", _ts("2026-11-23 10:00:03"))]
        assert con.execute("select notes from raw.ops__contacts").fetchall() == [("私人备注",)]
        assert con.execute("select file, line, field, value, rule from raw._quarantine").fetchall() == [
            ("consents_000000000004-000000000004.jsonl", 1, "consent_status", "maybe", "allowed")]
    # nothing new: nothing loaded, nothing exported
    assert ingest(settings, ("ops",)).totals()["rows_read"] == 0
    assert export_events(settings) == []


def _ts(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_lead_status_write_backs_load_through_their_contract(settings: Settings) -> None:
    """recordLeadStatus events reach raw.ops__lead_statuses (about a lead: no customer id), so
    the next build's fct_leads carries the status; the note stays with the event as written."""
    payload = {"lead_id": "L000000007", "status": "qualified", "status_at": "2026-11-23T09:30:00.000Z",
               "sales_rep_id": "S01", "note": "想要两台"}
    log = log_engine(settings.ops_url, writer=True)
    append(log, [Append({"event_id": "e1", "kind": "lead_status", "customer_id": "", "payload": json.dumps(payload),
                         "scope": "sales", "idempotency_key": "k1", "request_hash": "h", "response": "{}",
                         "recorded_at": "2026-11-23T10:00:00.000Z"})])
    log.dispose()
    assert [p.name for p in export_events(settings)] == ["lead_statuses_000000000001-000000000001.jsonl"]
    result = ingest(settings, ("ops",))
    assert result.reconciles and result.totals()["rows_loaded"] == 1
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select lead_id, status, status_at, sales_rep_id from raw.ops__lead_statuses").fetchall() == [
            ("L000000007", "qualified", _ts("2026-11-23 09:30:00"), "S01")]
