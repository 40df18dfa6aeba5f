"""Brute force made useless (issue 18 item 2), over HTTP: per-key token buckets by role,
batches and aliases counted one by one, every lookup audited (misses too), a burst of misses
raised as a security event that blocks the key."""

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest
import sqlalchemy as sa

from api.keys import create_key
from api.ops import ops_engine, security_events
from hub import audit
from hub.settings import RateLimit, Settings
from tests.api.conftest import publish_fixture, serving

LOOKUP = '{{ customer(phone: "{}") {{ id }} }}'


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory):
    """A server whose agents may make 5 calls at once (one more every 10 s) and miss 3 times a minute."""
    settings = publish_fixture(Settings(
        data_dir=tmp_path_factory.mktemp("limits") / "var", api_miss_block_seconds=120,
        api_rate_limits={"agent": RateLimit(per_second=0.1, burst=5, misses_per_minute=3)}))
    engine = ops_engine(settings.ops_url)
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:

        def post(key: str, body: object) -> httpx.Response:
            return client.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})

        yield settings, engine, post
    engine.dispose()


def test_batches_and_aliases_are_counted_one_by_one(limited):
    _settings, engine, post = limited
    key, other = create_key(engine, "agent", "desk 1"), create_key(engine, "agent", "desk 2")
    two = '{ a: customer(id: "CU1") { id } b: customer(id: "CU2") { id } __typename }'
    assert post(key, {"query": two}).status_code == 200  # 2 of 5 tokens
    single = {"query": '{ customer(id: "CU1") { id } }'}
    refused = post(key, [single] * 4)  # 4 more: over the bucket, nothing of it runs
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["errors"][0]["message"].startswith("rate limit: a agent key makes at most 0.1 calls")
    assert post(key, [single] * 3).status_code == 200  # the last 3 tokens
    assert post(key, single).status_code == 429
    batch = [single] * 5
    assert post(other, batch).status_code == 200  # buckets are per key
    too_big = post(create_key(engine, "agent", "desk 3"), [{"query": two}] * 3)
    assert too_big.status_code == 429 and "split it" in too_big.json()["errors"][0]["message"]
    # other roles keep their own (default) limits
    assert post(create_key(engine, "contact_engine", "cti"), batch * 20).status_code == 200


def test_misses_are_audited_and_a_burst_is_a_security_event(limited, caplog):
    settings, engine, post = limited
    key = create_key(engine, "agent", "desk 4")
    key_id = key.split(".")[0]
    hit = post(key, {"query": LOOKUP.format("13800138000")}).json()
    assert hit["data"]["customer"]["id"] == "CU1"
    caplog.set_level(logging.WARNING, logger="api.ops")
    guesses = " ".join(f'g{i}: customer(phone: "1380013{i:04d}") {{ id }}' for i in range(1, 5))
    answer = post(key, {"query": f"{{ {guesses} }}"})  # four guesses behind 138****8000, all wrong
    assert answer.status_code == 200 and all(v is None for v in answer.json()["data"].values())
    blocked = post(key, {"query": LOOKUP.format("13800138000")})
    assert blocked.status_code == 429 and "blocked for 120 s" in blocked.json()["errors"][0]["message"]
    assert 110 <= int(blocked.headers["Retry-After"]) <= 120
    with engine.connect() as con:
        events = con.execute(sa.select(security_events).where(security_events.c.key_id == key_id)).mappings().all()
    assert [(e["kind"], e["role"]) for e in events] == [("lookup_miss_burst", "agent")]
    assert json.loads(events[0]["detail"])["misses"] == 4
    logged = [r.getMessage() for r in caplog.records if "security event lookup_miss_burst" in r.getMessage()]
    assert len(logged) == 1 and key_id in logged[0]
    assert "1380013" not in logged[0] + events[0]["detail"]  # no guessed number kept anywhere
    # every lookup audited: the hit as a profile read, each miss as a lookup_miss (no value kept)
    rows = _audit_rows(engine, key_id)
    assert [r["action"] for r in rows] == ["profile_read"] + ["lookup_miss"] * 4
    assert all(r["detail"] == {"field": "customer", "argument": "phone"} for r in rows[1:])
    assert all(r["customer_id"] is None for r in rows[1:])
    assert all("1380013" not in json.dumps(r["detail"]) for r in rows)


def _audit_rows(engine, key_id: str, tries: int = 50) -> list[dict]:
    """The key's reads once the server's writer (every 0.2 s) has appended all five."""
    for _ in range(tries):
        rows = [row for row in audit.read(engine, key_id=key_id) if row["action"] != "key_created"]
        if len(rows) >= 5:
            break
        time.sleep(0.1)
    return rows
