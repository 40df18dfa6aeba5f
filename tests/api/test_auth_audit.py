"""Every request needs a live key; every profile read is audited with no personal data."""

from __future__ import annotations

import subprocess
import sys

import httpx
import sqlalchemy as sa

from api.keys import create_key, revoke_key
from api.ops import ops_engine, profile_reads
from hub.settings import Settings
from tests.api.conftest import hub_env, publish_fixture, serving

QUERY = '{ customer(phone: "138 0013 8000") { id name } }'


def test_requests_without_a_valid_key_are_refused(api):
    for key in ("", "nonsense", "abc.def"):
        response = api(QUERY, key=key) if key else api(QUERY, role=None)
        assert response.status_code == 401
        assert response.json() == {"errors": [{"message": "a valid API key is required (Authorization: Bearer <key>)"}]}


def test_revoked_key_is_refused(settings):
    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "leaver")
    assert revoke_key(engine, key.split(".")[0])
    with serving(settings) as url:
        response = httpx.post(f"{url}/graphql", json={"query": QUERY}, headers={"X-API-Key": key})
    assert response.status_code == 401


def test_profile_reads_are_audited(settings):
    publish_fixture(settings)
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "desk 7")
    with serving(settings) as url, httpx.Client(base_url=url) as client:
        headers = {"Authorization": f"Bearer {key}"}
        for query in (QUERY, '{ customer(id: "CU9") { id } }', '{ customer(phone: "13700000000") { id } }'):
            assert client.post("/graphql", json={"query": query}, headers=headers).status_code == 200
        search = '{ searchCustomers(text: "张伟") { edges { node { id } } } }'
        assert client.post("/graphql", json={"query": search}, headers=headers).status_code == 200
    # the server flushed its audit queue on shutdown
    with engine.connect() as con:
        rows = con.execute(sa.select(profile_reads).order_by(profile_reads.c.read_id)).mappings().all()
    assert [r["customer_id"] for r in rows] == ["CU1", "CU1", "CU1", "CU3"]
    assert {(r["key_id"], r["role"]) for r in rows} == {(key.split(".")[0], "agent")}
    assert set(rows[0].keys()) == {"read_id", "key_id", "role", "customer_id", "read_at"}


def test_keys_cli_prints_key_once_and_stores_only_its_hash(settings):
    run = [sys.executable, "-m", "api.cli", "keys"]
    env = hub_env(settings)
    created = subprocess.run([*run, "create", "--role", "marketer", "--name", "crm team"], env=env,
                             capture_output=True, text=True, check=True)
    key = created.stdout.strip()
    key_id, secret = key.split(".")
    listed = subprocess.run([*run, "list"], env=env, capture_output=True, text=True, check=True).stdout
    assert key_id in listed and "marketer" in listed and secret not in listed
    with ops_engine(settings.ops_url).connect() as con:
        stored = con.exec_driver_sql("select * from api_keys").fetchall()
    assert secret not in str(stored)
    refused = subprocess.run([*run, "create", "--role", "superuser", "--name", "x"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 2


def test_production_hides_suggestions_introspection_and_graphiql(tmp_path):
    settings = Settings(data_dir=tmp_path / "var", env="production", id_hash_key="test-production-key")
    publish_fixture(settings)
    key = create_key(ops_engine(settings.ops_url), "agent", "prod")
    with serving(settings) as url, httpx.Client(base_url=url) as client:
        headers = {"Authorization": f"Bearer {key}"}
        typo = client.post("/graphql", json={"query": '{ customer(id: "CU1") { nam } }'}, headers=headers)
        introspection = client.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=headers)
        graphiql = client.get("/graphql")
    assert typo.status_code == 400
    assert "Did you mean" not in typo.text and "'name'" not in typo.text
    assert introspection.status_code == 400
    assert "introspection" in introspection.json()["errors"][0]["message"].lower()
    assert graphiql.status_code == 405


def test_development_offers_suggestions_introspection_and_graphiql(api, published):
    typo = api('{ customer(id: "CU1") { nam } }')
    assert "Did you mean 'name'?" in typo.json()["errors"][0]["message"]
    introspection = api("{ __schema { queryType { name } } }")
    assert introspection.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    with serving(published) as url:
        assert "graphiql" in httpx.get(f"{url}/graphql").text.lower()
