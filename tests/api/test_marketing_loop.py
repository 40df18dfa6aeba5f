"""The marketing loop over real HTTP, CSV and the CLI on the fixture marts (tests/publish/marts.py):
declined offers left off the cross-sell lists, the retention list, conversions by campaign.

Fixture consents: CU1 granted sms and phone marketing; CU2 withdrew sms marketing; CU3
granted sms marketing but opted out of personalised marketing. Churn risk: CU1 0.12
(value 6000), CU2 0.61 (20000), CU3 0.05 (1500).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub import audit
from hub.settings import Settings
from orchestration.lib.publish import publish
from tests.api.conftest import publish_fixture, serving
from tests.conftest import run_hub
from tests.publish.marts import make_warehouse

CROSS_SELL = """query($channel: String) { crossSellList(product: "parts", channel: $channel) {
  edges { node { customerId reasons } } } }"""
RETENTION = """query($channel: String, $minRisk: Float, $minValueCny: Float) {
  retentionList(channel: $channel, minRisk: $minRisk, minValueCny: $minValueCny) {
    edges { cursor node { customerId channel churnRisk expectedValueCny score phoneMasked churnReasons reasons } }
    pageInfo { hasNextPage endCursor } } }"""
OFFER = """mutation($k: String!, $i: OfferResponseInput!) { recordOfferResponse(idempotencyKey: $k, input: $i) { kind } }"""
CONVERSIONS = """query($campaign: String, $product: String) { offerConversions(campaign: $campaign, product: $product) {
  campaignId channel product offers accepted conversions conversionRate conversionAmountCny firstOfferDate lastOfferDate } }"""


def _data(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _retention_ids(response) -> list[str]:
    return [edge["node"]["customerId"] for edge in _data(response)["retentionList"]["edges"]]


def test_retention_list_ranks_value_at_risk_with_churn_reasons_and_the_consent_rule(api):
    response = api(RETENTION, role="marketer", variables={"channel": "sms", "minRisk": 0.1})
    assert _retention_ids(response) == ["CU1"]  # CU2 withdrew sms marketing, CU3 opted out of personalisation
    node = _data(response)["retentionList"]["edges"][0]["node"]
    assert node["score"] == pytest.approx(0.12 * 6000) and node["phoneMasked"] == "138****8000"
    assert node["churnReasons"] == ["abandoned calls lately", "recent repairs"]
    assert "churn reason: abandoned calls lately" in node["reasons"]
    assert "sms marketing consent granted; no personalised-marketing opt-out" in node["reasons"]
    # the at-risk CU2 has no marketing consent on any channel: never listed; CU1 is under 0.5 risk
    assert _retention_ids(api(RETENTION, role="marketer", variables={"minRisk": 0.5})) == []
    assert _retention_ids(api(RETENTION, role="marketer", variables={"channel": "email", "minRisk": 0})) == []
    assert _retention_ids(api(RETENTION, role="marketer", variables={"minRisk": 0.1, "minValueCny": 7000})) == []
    bad = api(RETENTION, role="marketer", variables={"minRisk": 2.0}).json()
    assert "minRisk 2.0 must lie between 0 and 1" in bad["errors"][0]["message"]
    assert api(RETENTION, role="agent", variables={}).status_code == 400  # other roles cannot select it


def test_offer_conversions_by_campaign_channel_and_product(api):
    rows = _data(api(CONVERSIONS, role="marketer", variables={"campaign": "spring"}))["offerConversions"]
    assert rows == [
        {"campaignId": "spring", "channel": "phone", "product": "parts", "offers": 1, "accepted": 1, "conversions": 0,
         "conversionRate": 0.0, "conversionAmountCny": 0.0, "firstOfferDate": "2026-03-03",
         "lastOfferDate": "2026-03-03"},
        {"campaignId": "spring", "channel": "sms", "product": "parts", "offers": 2, "accepted": 1, "conversions": 1,
         "conversionRate": 0.5, "conversionAmountCny": 800.0, "firstOfferDate": "2026-03-01",
         "lastOfferDate": "2026-03-02"},
    ]
    every = _data(api(CONVERSIONS, role="marketer", variables={}))["offerConversions"]
    assert [(r["campaignId"], r["product"]) for r in every][0] == ("none", "financing")
    assert "product 'yachts' is not one of" in api(CONVERSIONS, role="marketer",
                                                   variables={"product": "yachts"}).json()["errors"][0]["message"]
    assert api(CONVERSIONS, role="executive", variables={}).status_code == 400


def test_retention_csv_and_cli_apply_the_same_rule_and_are_audited(tmp_path):
    """GraphQL, GET /export/retention.csv and `hub marketing retention` list the same
    customers; a consent withdrawn through the API leaves all three at once; each row sent
    leaves one audit row naming the retention list."""
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("marketer", "contact_engine", "agent")}
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query, variables, role="marketer"):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})

        def csv_ids(role="marketer", **params) -> list[str]:
            response = client.get("/export/retention.csv", params={"minRisk": "0.1", **params},
                                  headers={"Authorization": f"Bearer {keys[role]}"})
            assert response.status_code == 200, response.text
            rows = list(csv.DictReader(io.StringIO(response.text)))
            assert all(row["phone_masked"] in ("", "138****8000") for row in rows)
            return [row["customer_id"] for row in rows]

        def cli_ids() -> list[str]:
            out = run_hub("marketing", "retention", "--min-risk", "0.1", data_dir=settings.data_dir)
            rows = list(csv.DictReader(io.StringIO(out.stdout)))
            assert not rows or rows[0]["churn_reasons"] == "abandoned calls lately; recent repairs"
            return [row["customer_id"] for row in rows]

        assert _retention_ids(post(RETENTION, {"minRisk": 0.1})) == csv_ids() == cli_ids() == ["CU1"]
        assert client.get("/export/retention.csv").status_code == 401
        assert client.get("/export/retention.csv", headers={"Authorization": f"Bearer {keys['agent']}"}).status_code == 403
        bad = client.get("/export/retention.csv", params={"minRisk": "x"},
                         headers={"Authorization": f"Bearer {keys['marketer']}"})
        assert bad.status_code == 400
        rows = audit.read(engine, limit=1000)
        sent = [(r["action"], r["customer_id"], r["detail"].get("list")) for r in rows if r["action"] != "key_created"]
        assert sent == [("list_row", "CU1", "retention"), ("export_row", "CU1", "retention"),
                        ("export_row", "CU1", "retention")]
        withdrawn = post("""mutation($k: String!, $i: ConsentInput!) { setConsent(idempotencyKey: $k, input: $i) { kind } }""",
                         {"k": uuid.uuid4().hex, "i": {"customerId": "CU1", "channel": "app",
                                                       "purpose": "personalised_marketing", "status": "withdrawn"}},
                         role="contact_engine")
        assert _data(withdrawn)["setConsent"] == {"kind": "consent"}
        assert _retention_ids(post(RETENTION, {"minRisk": 0.1})) == csv_ids() == cli_ids() == []
    assert audit.verify(engine, audit.chain_key(settings)).ok
    engine.dispose()


def test_an_offer_declined_through_the_api_leaves_the_cross_sell_lists_at_once(tmp_path):
    """recordOfferResponse over HTTP, no build: a decline of parts takes CU1 off the parts
    list in GraphQL, the HTTP CSV and `hub marketing export`; not_now does not."""
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("marketer", "contact_engine")}
    engine.dispose()
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query, variables, role="marketer"):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})

        def ids() -> list[str]:
            graphql = [e["node"]["customerId"] for e in _data(post(CROSS_SELL, {"channel": "sms"}))["crossSellList"]["edges"]]
            response = client.get("/export/cross-sell.csv", params={"product": "parts"},
                                  headers={"Authorization": f"Bearer {keys['marketer']}"})
            exported = [row["customer_id"] for row in csv.DictReader(io.StringIO(response.text))]
            out = run_hub("marketing", "export", "--product", "parts", data_dir=settings.data_dir)
            cli = [row["customer_id"] for row in csv.DictReader(io.StringIO(out.stdout))]
            assert graphql == exported == cli
            return graphql

        def respond(response: str, product: str = "parts") -> None:
            answer = post(OFFER, {"k": uuid.uuid4().hex, "i": {"customerId": "CU1", "product": product,
                                                               "response": response, "channel": "sms"}}, "contact_engine")
            assert _data(answer)["recordOfferResponse"] == {"kind": "offer_response"}

        assert ids() == ["CU1"]
        reasons = _data(post(CROSS_SELL, {"channel": "sms"}))["crossSellList"]["edges"][0]["node"]["reasons"]
        assert "no parts offer declined in the last 90 days" in reasons
        respond("not_now")
        respond("declined", product="financing")  # another product: parts stays offered
        assert ids() == ["CU1"]
        respond("declined")
        assert ids() == []


def test_a_served_decline_suppresses_the_offer_for_the_configured_period(tmp_path):
    """A decline in the build (fct_offer_responses -> offer_declines) keeps the product off
    the list for marketing_decline_suppression_days after it, then the offer comes back."""
    from api.marketing import cross_sell_page
    from api.store import ServingStore

    settings = Settings(data_dir=tmp_path / "var")
    make_warehouse(settings.warehouse_path, extra_sql="""
        insert into marts.fct_offer_responses values
            ('R1', 'CU1', 'spring', 1, 'parts', 'declined', false, 'sms', '2026-03-20 08:00:00', '2026-03-20 08:00:00'),
            ('R2', 'CU1', 'spring', 2, 'financing', 'accepted', true, 'sms', '2026-03-21 08:00:00', '2026-03-21 08:00:00');
    """)
    publish(settings)
    store = ServingStore(settings.serving_url)
    declined = datetime(2026, 3, 20, 8)
    try:
        with store.connect() as con:
            def listed(now: datetime) -> list[str]:
                return [row["customerId"] for row in cross_sell_page(con, "parts", "sms", now=now)[0]]

            assert listed(declined + timedelta(days=1)) == []
            assert listed(declined + timedelta(days=89)) == []
            assert listed(declined + timedelta(days=91)) == ["CU1"]
    finally:
        store.close()


ALERT = "FA-J6P-aftertreatment-ALL-20260320"  # model-level J6P alert; CU1 owns the J6P VIN_A
NOTICE = """query($alert: String, $model: String, $region: String, $inServiceOn: String, $channel: String) {
  serviceNoticeList(alert: $alert, model: $model, region: $region, inServiceOn: $inServiceOn, channel: $channel) {
    edges { cursor node { customerId channel vins phones reasons } } pageInfo { hasNextPage endCursor } } }"""


def _notice_ids(response) -> list[str]:
    return [edge["node"]["customerId"] for edge in _data(response)["serviceNoticeList"]["edges"]]


def test_service_notice_lists_owners_of_affected_vehicles_under_the_service_consent(api):
    """CU1 granted phone *service* consent and sms *marketing* consent only: a notice goes by
    phone, never by sms (marketing consent does not allow a service notice)."""
    response = api(NOTICE, role="contact_engine", variables={"alert": ALERT, "channel": "phone"})
    assert _notice_ids(response) == ["CU1"]
    node = _data(response)["serviceNoticeList"]["edges"][0]["node"]
    from tests.publish.marts import PHONE_1, VIN_A, VIN_B
    assert node["vins"] == [VIN_A] and node["phones"] == [PHONE_1]  # the shared switchboard is left out
    assert f"owns {VIN_A}, affected by field alert {ALERT}" in node["reasons"]
    assert _notice_ids(api(NOTICE, role="contact_engine", variables={"alert": ALERT, "channel": "sms"})) == []
    # declared outages: model, province, in service on a date
    outage = api(NOTICE, role="admin", variables={"model": "JK6", "channel": "phone"})
    assert _data(outage)["serviceNoticeList"]["edges"][0]["node"]["vins"] == [VIN_B]
    assert _notice_ids(api(NOTICE, role="admin", variables={"model": "J6L", "channel": "phone"})) == []  # CU2: no consent
    assert _notice_ids(api(NOTICE, role="admin", variables={"model": "J6P", "region": "北京市", "channel": "phone"})) == ["CU1"]
    assert _notice_ids(api(NOTICE, role="admin", variables={"model": "J6P", "region": "天津市", "channel": "phone"})) == []
    assert _notice_ids(api(NOTICE, role="admin", variables={"model": "J6P", "inServiceOn": "2024-11-30",
                                                            "channel": "phone"})) == []  # VIN_A built 2024-12-01
    for variables, message in (({"alert": "FA-nope"}, "alert 'FA-nope' is not a field alert"),
                               ({}, "give alert"), ({"model": "J6P", "inServiceOn": "soon"}, "is not a date"),
                               ({"alert": ALERT, "model": "J6P"}, "not both")):
        assert message in api(NOTICE, role="admin", variables=variables).json()["errors"][0]["message"]
    assert api(NOTICE, role="marketer", variables={"alert": ALERT}).status_code == 400  # full numbers: not theirs


def test_service_notice_csv_and_cli_follow_service_consent_write_backs_and_are_audited(tmp_path):
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ("marketer", "contact_engine")}
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        def post(query, variables):
            return client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys['contact_engine']}"})

        def get(role="contact_engine", **params):
            return client.get("/export/service-notice.csv", params=params,
                              headers={"Authorization": f"Bearer {keys[role]}"})

        def ids() -> list[str]:
            graphql = _notice_ids(post(NOTICE, {"alert": ALERT, "channel": "phone"}))
            response = get(alert=ALERT, channel="phone")
            assert response.status_code == 200, response.text
            exported = list(csv.DictReader(io.StringIO(response.text)))
            out = run_hub("marketing", "service-notice", "--alert", ALERT, "--channel", "phone", data_dir=settings.data_dir)
            cli = list(csv.DictReader(io.StringIO(out.stdout)))
            assert [r["phone_e164"] for r in exported] == [r["phone_e164"] for r in cli]
            assert [r["customer_id"] for r in exported] == [r["customer_id"] for r in cli] == graphql
            return graphql

        def consent(channel: str, purpose: str, status: str) -> None:
            body = post("""mutation($k: String!, $i: ConsentInput!) { setConsent(idempotencyKey: $k, input: $i) { kind } }""",
                        {"k": uuid.uuid4().hex, "i": {"customerId": "CU1", "channel": channel, "purpose": purpose,
                                                      "status": status}})
            assert _data(body)["setConsent"] == {"kind": "consent"}

        assert ids() == ["CU1"]
        assert get("marketer", alert=ALERT).status_code == 403
        assert client.get("/export/service-notice.csv", params={"alert": ALERT}).status_code == 401
        assert get(model="J6P", inServiceOn="x").status_code == 400
        consent("app", "personalised_marketing", "withdrawn")  # marketing opt-outs do not stop a service notice
        consent("phone", "marketing", "withdrawn")
        assert ids() == ["CU1"]
        consent("phone", "service", "withdrawn")
        assert ids() == []
    sent = [(r["action"], r["customer_id"], r["detail"].get("list")) for r in audit.read(engine, limit=1000)
            if r["action"] in ("list_row", "export_row")]
    assert sent == [("list_row", "CU1", "service_notice"), ("export_row", "CU1", "service_notice"),
                    ("export_row", "CU1", "service_notice")] * 2
    assert audit.verify(engine, audit.chain_key(settings)).ok
    engine.dispose()
