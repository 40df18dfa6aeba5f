"""Erasure on a PostgreSQL serving store (issue 20): eraseCustomer deletes the person from
the `serving` schema the API reads (the tables publish swapped in), not from `public`."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from orchestration.lib.publish import publish
from tests.api.conftest import serving
from tests.api.test_privacy_api import ERASE
from tests.publish.marts import make_warehouse


def test_erase_customer_on_a_postgres_serving_store(tmp_path, postgres_url):
    settings = Settings(data_dir=tmp_path / "var", serving_url=postgres_url)
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="pg-erase")
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"pg {role}") for role in ("privacy", "admin")}
    with serving(settings) as url, httpx.Client(base_url=url, timeout=20) as client:

        def post(query: str, role: str, variables: dict | None = None) -> dict:
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"}).json()

        assert post('{ customer(id: "CU1") { id } }', "admin")["data"]["customer"]["id"] == "CU1"
        result = post(ERASE, "privacy", {"c": "CU1", "r": "ticket pg"})["data"]["eraseCustomer"]
        assert result["status"] == "pending" and result["rowsChanged"] > 0
        assert {"store": "serving.customers", "rows": 1} in result["stores"]
        for lookup in ('id: "CU1"', 'id: "CU9"', 'crmId: "CRM1"'):
            assert post(f"{{ customer({lookup}) {{ id }} }}", "admin")["data"]["customer"] is None, lookup
        assert post('{ customer(id: "CU2") { id } }', "admin")["data"]["customer"]["id"] == "CU2"
    pg = sa.create_engine(postgres_url)
    with pg.connect() as con:
        left = con.exec_driver_sql(
            "select count(*) from serving.customers where customer_id in ('CU1', 'CU9')").scalar_one()
        other = con.exec_driver_sql("select count(*) from serving.customers where customer_id = 'CU2'").scalar_one()
    pg.dispose()
    assert (left, other) == (0, 1)
