"""A per-request deadline that really stops work (issue 18 item 3), over HTTP: a search that
scans a large store is aborted inside SQLite at the deadline and answered 504 with a
reference the log carries; the event loop keeps serving meanwhile; nothing unsent is audited."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading

import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub import audit
from hub.settings import Settings
from tests.api.conftest import publish_fixture, serving

# ten searches for a text nobody has: each scans every customer row (LIKE '%…%')
SCANS = "{ " + " ".join(f'q{i}: searchCustomers(text: "zq{i}x") {{ edges {{ cursor }} }}' for i in range(10)) + " }"


def _grow(settings: Settings, rows: int) -> None:
    """Copies of CU1 under new ids, so a full scan of customers takes real time."""
    path = settings.data_dir / "serving.db"
    with sqlite3.connect(path) as con:
        columns = [row[1] for row in con.execute("pragma table_info(customers)")]
        rest = ", ".join(c for c in columns if c != "customer_id")
        con.execute(f"""insert into customers (customer_id, {rest})
            with recursive n(i) as (select 1 union all select i + 1 from n where i < {rows})
            select 'CX' || printf('%07d', i), {rest} from n, customers where customer_id = 'CU1'""")


@pytest.fixture(scope="module")
def slow_store(tmp_path_factory: pytest.TempPathFactory):
    settings = publish_fixture(Settings(data_dir=tmp_path_factory.mktemp("deadline") / "var",
                                        api_deadline_seconds=0.2))
    _grow(settings, 300_000)
    return settings


def test_a_query_past_its_deadline_is_stopped_and_answered_504(slow_store, caplog):
    engine = ops_engine(slow_store.ops_url)
    key = create_key(engine, "agent", "deadline")
    caplog.set_level(logging.WARNING, logger="api.service")
    with serving(slow_store) as url, httpx.Client(base_url=url, timeout=30,
                                                   headers={"Authorization": f"Bearer {key}"}) as client:
        health: list[int] = []

        def poll() -> None:  # the event loop is free while the scans run in a worker thread
            with httpx.Client(base_url=url, timeout=5) as other:
                health.append(other.get("/health").status_code)

        checker = threading.Thread(target=poll)
        checker.start()
        response = client.post("/graphql", json={"query": SCANS})
        checker.join()
    assert response.status_code == 504, response.text
    message = response.json()["errors"][0]["message"]
    found = re.fullmatch(r"the request took longer than its deadline of 0.2 s and was stopped "
                         r"\(reference (E[0-9a-f]{8})\)", message)
    assert found, message
    logged = [r.getMessage() for r in caplog.records if found.group(1) in r.getMessage()]
    assert len(logged) == 1 and "stopped after its 0.2 s" in logged[0], logged
    assert health == [200]
    # the stopped request sent nothing and audited nothing
    actions = [row["action"] for row in audit.read(engine, key_id=key.split(".")[0])]
    assert "lookup_miss" not in actions
    engine.dispose()


def test_without_a_deadline_the_same_scans_finish(slow_store):
    """The control: the query is valid and answers once it may take its time."""
    settings = slow_store.model_copy(update={"api_deadline_seconds": 60.0})
    key = create_key(ops_engine(settings.ops_url), "agent", "no deadline")
    with serving(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/graphql", json={"query": SCANS}, headers={"Authorization": f"Bearer {key}"})
        cheap = client.post("/graphql", json={"query": '{ customer(id: "CU1") { id } }'},
                            headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    assert all(page["edges"] == [] for page in response.json()["data"].values())
    assert cheap.json()["data"]["customer"]["id"] == "CU1"


def test_on_postgresql_statement_timeout_stops_the_query(tmp_path, postgres_url, caplog):
    import psycopg
    import sqlalchemy as sa

    settings = publish_fixture(Settings(data_dir=tmp_path / "var", serving_url=postgres_url,
                                        api_deadline_seconds=0.2))
    plain = sa.engine.make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as con:
        columns = [r[0] for r in con.execute("select column_name from information_schema.columns where "
                                             "table_schema = 'serving' and table_name = 'customers'")]
        rest = ", ".join(c for c in columns if c != "customer_id")
        con.execute(f"""insert into serving.customers (customer_id, {rest})
            select 'CX' || lpad(i::text, 7, '0'), {rest} from generate_series(1, 300000) i, serving.customers
            where customer_id = 'CU1'""")
    key = create_key(ops_engine(settings.ops_url), "agent", "pg deadline")
    caplog.set_level(logging.WARNING, logger="api.service")
    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        response = client.post("/graphql", json={"query": SCANS}, headers={"Authorization": f"Bearer {key}"})
        cheap = client.post("/graphql", json={"query": "{ servingBuild { buildId } }"},
                            headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 504, response.text
    reference = re.search(r"reference (E[0-9a-f]{8})", response.json()["errors"][0]["message"]).group(1)
    # stopped by the server (statement_timeout), not merely answered late
    assert any(reference in r.getMessage() and "stopped after" in r.getMessage() for r in caplog.records)
    assert cheap.status_code == 200, cheap.text  # the pooled connection is clean again
