"""Cross-sell lists over real HTTP on the fixture marts (tests/publish/marts.py).

CU1 granted sms and phone marketing; CU2 withdrew sms marketing; CU3 granted sms
marketing but opted out of personalised marketing; nobody granted e-mail marketing; CU1
already holds financing.
"""

from __future__ import annotations

import csv
import io

import pytest

LIST = """query($product: String!, $channel: String, $first: Int, $after: String, $region: String) {
  crossSellList(product: $product, channel: $channel, first: $first, after: $after, region: $region) {
    edges { cursor node { customerId product channel propensity expectedValueCny score region segment
                           lifecycleStage phoneMasked reasons } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"]["customerId"] for edge in body["data"]["crossSellList"]["edges"]]


def test_sms_list_keeps_only_customers_with_consent_and_no_opt_out(api):
    response = api(LIST, role="marketer", variables={"product": "parts", "channel": "sms"})
    assert _ids(response) == ["CU1"]
    node = response.json()["data"]["crossSellList"]["edges"][0]["node"]
    assert node["phoneMasked"] == "138****8000"  # never the full number
    assert node["score"] == pytest.approx(2400.0)
    assert any("propensity 0.40 to buy parts" in reason for reason in node["reasons"])
    assert any("sms marketing consent granted" in reason for reason in node["reasons"])


def test_channel_without_consent_lists_nobody_and_held_products_are_not_offered(api):
    assert _ids(api(LIST, role="marketer", variables={"product": "parts", "channel": "email"})) == []
    assert _ids(api(LIST, role="marketer", variables={"product": "parts", "channel": "phone"})) == ["CU1"]
    assert _ids(api(LIST, role="marketer", variables={"product": "financing", "channel": "phone"})) == []
    tianjin = {"product": "parts", "channel": "sms", "region": "天津市"}
    assert _ids(api(LIST, role="marketer", variables=tianjin)) == []


def test_bad_arguments_name_field_value_and_rule(api):
    response = api(LIST, role="marketer", variables={"product": "yachts"})
    message = response.json()["errors"][0]["message"]
    assert "product 'yachts' is not one of" in message
    response = api(LIST, role="marketer", variables={"product": "parts", "channel": "fax"})
    assert "channel 'fax' is not one of" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("role", ["agent", "rnd", "executive"])
def test_other_roles_cannot_read_lists(api, role):
    response = api(LIST, role=role, variables={"product": "parts"})
    assert response.status_code == 400
    assert "data" not in response.json() or response.json().get("data") is None


def test_profile_carries_stage_churn_reasons_value_and_offer(api):
    query = """{ customer(id: "CU1") { lifecycle { stage churnRisk churnReasons { rank reason } valueCny
                 expectedPurchases12m nextBestOffer } } }"""
    lifecycle = api(query, role="agent").json()["data"]["customer"]["lifecycle"]
    assert lifecycle == {
        "stage": "active", "churnRisk": 0.12,
        "churnReasons": [{"rank": 1, "reason": "abandoned calls lately"}, {"rank": 2, "reason": "recent repairs"}],
        "valueCny": 6000.0, "expectedPurchases12m": 1.5, "nextBestOffer": "parts",
    }


def test_csv_export_over_http_applies_the_same_rule(published, keys):
    import httpx

    from tests.api.conftest import serving

    with serving(published) as url, httpx.Client(base_url=url, timeout=10) as client:
        def get(role: str | None, **params):
            headers = {"Authorization": f"Bearer {keys[role]}"} if role else {}
            return client.get("/export/cross-sell.csv", params=params, headers=headers)

        response = get("marketer", product="parts", channel="sms")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["customer_id"] for row in rows] == ["CU1"]
        assert rows[0]["phone_masked"] == "138****8000"
        assert get(None, product="parts").status_code == 401
        assert get("agent", product="parts").status_code == 403
        bad = get("marketer", product="parts", minScore="2")
        assert bad.status_code == 400 and "minScore 2.0 must lie between 0 and 1" in bad.text


def test_lists_over_a_postgres_serving_store(tmp_path, postgres_url):
    from api.keys import create_key
    from api.marketing import cross_sell_page
    from api.ops import ops_engine
    from api.store import ServingStore
    from hub.settings import Settings
    from orchestration.lib.publish import publish
    from tests.publish.marts import make_warehouse

    settings = Settings(data_dir=tmp_path / "var", serving_url=postgres_url)
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="pg-lists")
    create_key(ops_engine(settings.ops_url), "marketer", "pg")
    store = ServingStore(settings.serving_url)
    try:
        with store.connect() as con:
            rows, more = cross_sell_page(con, "parts", "sms")
            assert [row["customerId"] for row in rows] == ["CU1"] and not more
            assert cross_sell_page(con, "parts", "sms", region="北京市", segment="retail")[0] == rows
            assert cross_sell_page(con, "parts", "sms", region="天津市")[0] == []
    finally:
        store.close()


def test_a_consent_withdrawn_through_the_api_leaves_every_list_at_once(tmp_path):
    """setConsent over HTTP, no build: the GraphQL list, the HTTP CSV and `hub marketing
    export` drop the customer at once (api.consents folds the write-back over the build)."""
    import uuid

    import httpx

    from api.keys import create_key
    from api.ops import ops_engine
    from hub.settings import Settings
    from tests.api.conftest import publish_fixture, serving
    from tests.conftest import run_hub

    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("marketer", "contact_engine")}
    engine.dispose()
    set_consent = """mutation($k: String!, $i: ConsentInput!) {
      setConsent(idempotencyKey: $k, input: $i) { kind customerId } }"""

    def cli_ids(channel: str) -> list[str]:
        out = run_hub("marketing", "export", "--product", "parts", "--channel", channel, data_dir=settings.data_dir)
        return [row["customer_id"] for row in csv.DictReader(io.StringIO(out.stdout))]

    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query: str, variables: dict, role: str):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})

        def http_csv_ids(channel: str) -> list[str]:
            response = client.get("/export/cross-sell.csv", params={"product": "parts", "channel": channel},
                                  headers={"Authorization": f"Bearer {keys['marketer']}"})
            assert response.status_code == 200, response.text
            return [row["customer_id"] for row in csv.DictReader(io.StringIO(response.text))]

        def withdraw(channel: str, purpose: str) -> None:
            body = post(set_consent, {"k": uuid.uuid4().hex, "i": {
                "customerId": "CU1", "channel": channel, "purpose": purpose, "status": "withdrawn"}}, "contact_engine").json()
            assert body["data"]["setConsent"] == {"kind": "consent", "customerId": "CU1"}, body

        def graphql_ids(channel: str) -> list[str]:
            return _ids(post(LIST, {"product": "parts", "channel": channel}, "marketer"))

        for channel in ("sms", "phone"):
            assert graphql_ids(channel) == http_csv_ids(channel) == cli_ids(channel) == ["CU1"]
        withdraw("sms", "marketing")
        assert graphql_ids("sms") == http_csv_ids("sms") == cli_ids("sms") == []
        assert graphql_ids("phone") == http_csv_ids("phone") == cli_ids("phone") == ["CU1"]
        # PIPL art. 24: opting out of personalised marketing on any channel takes every list
        withdraw("app", "personalised_marketing")
        assert graphql_ids("phone") == http_csv_ids("phone") == cli_ids("phone") == []
