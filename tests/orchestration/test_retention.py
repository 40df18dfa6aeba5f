"""The retention job, run through Dagster on a copy of the built demo: each store loses
what is past its period and nothing it still needs."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
import sqlalchemy as sa

from hub import audit
from hub.settings import get_settings
from hub.writeback import Append, append, log_engine
from hub.writeback.store import events_after
from ingestion.ops_export import export_events
from tests.conftest import run_hub

pytestmark = pytest.mark.slow

OLD = datetime.now(UTC) - timedelta(days=1200)


def _event(key: str, at: datetime) -> Append:
    return Append({"event_id": f"e-{key}", "kind": "consent", "customer_id": "CU1",
                   "payload": json.dumps({"customer_id": "CU1", "channel": "sms", "purpose": "marketing",
                                          "status": "granted", "source": None, "recorded_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")}),
                   "scope": "contact_engine", "idempotency_key": key, "request_hash": key,
                   "response": "{}", "recorded_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")})


def _age(path, days: int) -> None:
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))


def test_the_retention_job_removes_only_what_is_past_its_period(demo_copy):
    settings = get_settings()
    # landing: the CRM files are old and accounted for; a stray old file is not in the ledger
    crm = sorted((settings.landing_dir / "crm").iterdir())
    for path in crm:
        _age(path, 500)
    stray = settings.landing_dir / "crm" / "never_ingested.csv"
    stray.write_text("customer_id\n")
    _age(stray, 500)
    calls = sorted(p for p in (settings.landing_dir / "acd").iterdir() if p.is_file())
    # quarantine: one batch is old
    with duckdb.connect(str(settings.warehouse_path)) as con:
        batch = con.execute("select batch_id from raw._batches order by started_at limit 1").fetchone()[0]
        con.execute("update raw._batches set started_at = started_at - interval 400 day where batch_id = ?", [batch])
        old_rows = con.execute("select count(*) from raw._quarantine where batch_id = ?", [batch]).fetchone()[0]
        all_rows = con.execute("select count(*) from raw._quarantine").fetchone()[0]
    # write-backs: two old ones exported, one old one not yet exported, one recent exported
    log = log_engine(settings.ops_url, writer=True)
    append(log, [_event("old-1", OLD), _event("old-2", OLD), _event("new-1", datetime.now(UTC))])
    export_events(settings)
    append(log, [_event("old-unexported", OLD)])
    # reports: one old, one recent
    reports = settings.reports_dir / "field_alerts"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "old.html").write_text("old")
    _age(reports / "old.html", 800)
    (reports / "recent.html").write_text("recent")
    # audit: old rows, then recent ones
    ops = sa.create_engine(settings.ops_url)
    audit.create(ops)
    chain = audit.chain_key(settings)
    audit.append(ops, chain, [audit.Entry("profile_read", "k1", "agent", f"CU{i}", at=OLD) for i in range(5)])
    audit.append(ops, chain, [audit.Entry("profile_read", "k1", "agent", "CU9")])

    from orchestration.definitions import defs

    result = defs.resolve_job_def("retention").execute_in_process()
    assert result.success
    metadata = result.output_for_node("enforce_retention")

    assert metadata == len(crm) + old_rows + 2 + 1 + 5
    assert not any(path.exists() for path in crm) and stray.exists()
    assert all(path.exists() for path in calls)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == all_rows - old_rows
    assert [e["event_id"] for e in events_after(log, 0)] == ["e-new-1", "e-old-unexported"]
    assert not (reports / "old.html").exists() and (reports / "recent.html").exists()
    rows = audit.read(ops, limit=100)
    assert [r["action"] for r in rows] == ["profile_read", "retention"] and rows[0]["customer_id"] == "CU9"
    assert rows[1]["detail"]["removed"] == 5
    verified = run_hub("audit", "verify", data_dir=settings.data_dir)
    assert "audit chain intact" in verified.stdout
