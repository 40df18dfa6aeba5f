"""The same API over a PostgreSQL serving store, across a schema swap."""

from __future__ import annotations

import httpx

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from orchestration.lib.publish import publish
from tests.api.conftest import serving
from tests.publish.marts import make_warehouse

QUERY = """{ customer(phone: "0086 139 0013 9000") { id city phones { number }
    openWorkOrders { workOrderId slaState } } servingBuild { buildId } }"""


def test_screen_pop_over_postgres_follows_the_swap(tmp_path, postgres_url):
    settings = Settings(data_dir=tmp_path / "var", serving_url=postgres_url)
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="pg-a")
    key = create_key(ops_engine(settings.ops_url), "contact_engine", "pg")
    with serving(settings) as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        first = client.post("/graphql", json={"query": QUERY}).json()
        make_warehouse(settings.warehouse_path, extra_sql="update marts.customer_profile set city = '大连'")
        publish(settings, build_id="pg-b")
        second = client.post("/graphql", json={"query": QUERY}).json()
    assert first["data"]["customer"] == {
        "id": "CU2",
        "city": "天津",
        "phones": [{"number": "+8613900139000"}, {"number": "+861065529988"}],
        "openWorkOrders": [{"workOrderId": "W1", "slaState": "breached"}],
    }
    assert first["data"]["servingBuild"]["buildId"] == "pg-a"
    assert second["data"]["customer"]["city"] == "大连"
    assert second["data"]["servingBuild"]["buildId"] == "pg-b"
