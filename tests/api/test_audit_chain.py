"""The audit log is a hash chain: reads, key changes and edits to it are all visible."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import httpx
import pytest

from api.keys import create_key, revoke_key
from api.ops import ops_engine
from hub import audit
from tests.api.conftest import hub_env, publish_fixture, serving

QUERY = '{ customer(phone: "138 0013 8000") { id name } }'


def _hub_audit(settings, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from hub.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, "audit", *args], env=hub_env(settings),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def audited(settings):
    """An ops store whose chain holds a key's creation, five profile reads and a revocation."""
    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "desk 9")
    with serving(settings) as url, httpx.Client(base_url=url) as client:
        for _ in range(5):
            client.post("/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"})
    revoke_key(engine, key.split(".")[0])
    return settings, key.split(".")[0]


def test_reads_and_key_changes_are_chained_and_verify(audited):
    settings, key_id = audited
    rows = audit.read(ops_engine(settings.ops_url), limit=1000)
    assert [r["action"] for r in rows] == ["key_created", *["profile_read"] * 5, "key_revoked"]
    assert {r["key_id"] for r in rows} == {key_id}
    assert all(rows[i]["prev_hash"] == rows[i - 1]["row_hash"] for i in range(1, len(rows)))
    verified = _hub_audit(settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "7 rows" in verified.stdout and "audit chain intact" in verified.stdout
    shown = _hub_audit(settings, "show", "--action", "profile_read", "--customer", "CU1")
    assert shown.returncode == 0 and len(shown.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    ("tamper", "finding"),
    [
        ("update audit_log set customer_id = 'CU2' where seq = 3", "seq 3: contents changed"),
        ("delete from audit_log where seq = 4", "rows missing before seq 5"),
        # swap two rows' contents, hashes and all: each still hashes right, the links break
        ("update audit_log set seq = -seq where seq in (3, 4); update audit_log set seq = 7 + seq where seq < 0",
         "seq 3: does not follow the row before it"),
        ("delete from audit_log where seq = 7", "the newest rows were removed"),
    ],
    ids=["edited", "deleted", "reordered", "tail-deleted"],
)
def test_verify_names_an_edited_deleted_or_reordered_row(audited, tamper, finding):
    settings, _ = audited
    with sqlite3.connect(settings.data_dir / "ops.db") as con:
        con.executescript(tamper)
    verified = _hub_audit(settings, "verify")
    assert verified.returncode == 1
    assert finding in verified.stdout


def test_a_forged_chain_without_the_key_is_detected(audited):
    """Rewriting every hash with another key (all an attacker without HUB_ID_HASH_KEY can do)."""
    settings, _ = audited
    engine = ops_engine(settings.ops_url)
    rows = audit.read(engine, limit=1000)
    with sqlite3.connect(settings.data_dir / "ops.db") as con:
        con.execute("delete from audit_log")
        con.execute("update audit_head set seq = 0, row_hash = ?", (audit.GENESIS,))
    entries = [audit.Entry(r["action"], r["key_id"], r["role"], "CU2" if r["seq"] == 3 else r["customer_id"])
               for r in rows]
    audit.append(engine, b"not the hub's key", entries)
    verified = _hub_audit(settings, "verify")
    assert verified.returncode == 1 and "contents changed" in verified.stdout


def test_no_audit_row_is_lost_while_the_ops_store_is_locked(settings):
    """A writer holding the ops store's lock longer than its busy timeout: a read is answered
    only once its audit entry committed, so while locked reads fail closed (503) and their
    entries stay queued; the flush retries and every read lands once the lock is gone."""
    from api.audit import PAUSED

    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "desk 3")
    headers = {"Authorization": f"Bearer {key}"}
    blocker = sqlite3.connect(settings.data_dir / "ops.db", isolation_level=None, check_same_thread=False)
    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        blocker.execute("begin immediate")  # every other writer now waits, then fails
        for _ in range(3):
            refused = client.post("/graphql", json={"query": QUERY}, headers=headers)
            assert refused.status_code == 503 and refused.json()["errors"][0]["message"] == PAUSED
        released = threading.Timer(6.0, lambda: blocker.execute("rollback"))
        released.start()  # past the 5 s busy timeout: at least one flush has failed by then
        released.join()
        for _ in range(5):
            assert client.post("/graphql", json={"query": QUERY}, headers=headers).status_code == 200
    blocker.close()
    reads = audit.read(engine, action="profile_read", limit=1000)
    assert len(reads) == 8  # the refused reads too: audited, though not sent
    assert audit.verify(engine, audit.chain_key(settings)).ok


LIST = """query($fields: Boolean!) { crossSellList(product: "parts", channel: "sms") {
  edges @include(if: $fields) { node { customerId } } pageInfo { hasNextPage } } }"""


def test_list_and_export_rows_are_audited_once_per_customer_sent(settings):
    """crossSellList rows, HTTP CSV rows and `hub marketing export` rows each leave one
    audit row per customer sent; a page asked for its pageInfo alone audits nobody."""
    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "marketer", "campaigns")
    headers = {"Authorization": f"Bearer {key}"}
    with serving(settings) as url, httpx.Client(base_url=url) as client:
        sent = client.post("/graphql", json={"query": LIST, "variables": {"fields": True}}, headers=headers).json()
        client.post("/graphql", json={"query": LIST, "variables": {"fields": False}}, headers=headers)
        exported = client.get("/export/cross-sell.csv", params={"product": "parts"}, headers=headers).text
    listed = [edge["node"]["customerId"] for edge in sent["data"]["crossSellList"]["edges"]]
    assert listed == ["CU1"]
    cli = subprocess.run([sys.executable, "-c", "from hub.cli import main; main()", "marketing", "export",
                          "--product", "parts"], env=hub_env(settings), capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    rows = audit.read(engine, limit=1000)
    assert [(r["action"], r["customer_id"], r["key_id"]) for r in rows if r["action"] != "key_created"] == [
        ("list_row", "CU1", key.split(".")[0]),
        ("export_row", "CU1", key.split(".")[0]),
        ("export_row", "CU1", "cli"),
    ]
    assert exported.count("CU1") == 1 and cli.stdout.count("CU1") == 1
    assert {r["detail"].get("list") for r in rows if r["action"] != "key_created"} == {"cross_sell"}
    assert audit.verify(engine, audit.chain_key(settings)).ok


def test_a_search_that_sends_only_its_page_info_audits_nobody(settings):
    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "desk 4")
    query = '{ searchCustomers(text: "张伟") { pageInfo { hasNextPage } } }'
    with serving(settings) as url, httpx.Client(base_url=url) as client:
        answer = client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200 and "errors" not in answer.json()
    assert audit.read(engine, action="profile_read") == []
