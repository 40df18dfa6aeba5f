"""Write-back mutations over HTTP: each kind, idempotent retries, validation, roles and
read-your-writes on the fixture marts (tests/publish/marts.py)."""

from __future__ import annotations

import sqlite3
import uuid

import httpx
import pytest

from api import consents
from api.keys import create_key
from api.ops import ops_engine
from api.roles import ROLES
from api.store import ServingStore
from hub.settings import Settings
from hub.writeback import log_engine
from orchestration.lib.publish import publish
from tests.api.conftest import publish_fixture, serving
from tests.publish.marts import make_warehouse
from tests.postgres import fresh_database

pytestmark = pytest.mark.xdist_group("writeback_api")

CONTACT = {"customerId": "CU1", "channel": "call", "direction": "inbound", "disposition": "follow_up",
           "startedAt": "2026-11-23T09:00:00+08:00", "queue": "repair", "notes": "客户反映刹车异响"}
RESULT = "{ eventId kind customerId recordedAt workOrderId stage }"
MUTATIONS = {
    "recordContact": "ContactInput",
    "openWorkOrder": "WorkOrderInput",
    "advanceWorkOrder": "WorkOrderStageInput",
    "recordSurvey": "SurveyInput",
    "recordOfferResponse": "OfferResponseInput",
    "setConsent": "ConsentInput",
}
PROFILE = """query($id: ID) { customer(id: $id) { id
  contacts { contactId channel disposition notes startedAt }
  consents { channel purpose status isGranted }
  offerResponses { product response }
  openWorkOrders { workOrderId stage status slaState }
  lifecycle { hasMarketingConsent openWorkOrderCount } } }"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    settings = publish_fixture(Settings(data_dir=tmp_path_factory.mktemp("writeback") / "var"))
    engine = ops_engine(settings.ops_url)
    keys = {role: create_key(engine, role, f"test {role}") for role in ROLES}
    engine.dispose()
    with serving(settings) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield settings, keys, client


@pytest.fixture
def call(setup):
    _, keys, client = setup

    def post(query: str, variables: dict | None = None, role: str = "contact_engine") -> dict:
        response = client.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {keys[role]}"})
        return response.json()

    return post


@pytest.fixture
def mutate(call):
    def send(name: str, data: dict, key: str | None = None, role: str = "contact_engine") -> dict:
        query = f"mutation($k: String!, $i: {MUTATIONS[name]}!) {{ {name}(idempotencyKey: $k, input: $i) {RESULT} }}"
        return call(query, {"k": key or uuid.uuid4().hex, "i": data}, role=role)

    return send


def _log_rows(settings: Settings, where: str = "1=1") -> list[tuple]:
    with sqlite3.connect(settings.data_dir / "ops.db") as con:
        return con.execute(f"select seq, kind, customer_id, scope, idempotency_key from writeback_events where {where}").fetchall()


def _profile(call, customer_id: str, role: str = "agent") -> dict:
    body = call(PROFILE, {"id": customer_id}, role)
    assert "errors" not in body, body
    return body["data"]["customer"]


def test_each_mutation_records_its_event(setup, mutate):
    settings = setup[0]
    before = len(_log_rows(settings))
    contact = mutate("recordContact", {**CONTACT, "customerId": "CU3", "contactId": "CT-1"})["data"]["recordContact"]
    assert contact["kind"] == "contact" and contact["customerId"] == "CU3" and contact["recordedAt"].endswith("Z")
    opened = mutate("openWorkOrder", {"customerId": "CU3", "category": "repair", "priority": "P2",
                                      "vin": "LFWSRXSJ7RA076498", "component": "brakes", "slaHours": 24})
    order = opened["data"]["openWorkOrder"]
    assert order["workOrderId"].startswith("CE") and order["stage"] == "created"
    advanced = mutate("advanceWorkOrder", {"workOrderId": order["workOrderId"], "stage": "dispatched",
                                           "engineerId": "E7", "regionOffice": "天津", "parts": [{"partNo": "BR-1", "quantity": 2}]})
    assert advanced["data"]["advanceWorkOrder"] == {**advanced["data"]["advanceWorkOrder"], "stage": "dispatched",
                                                    "customerId": "CU3", "workOrderId": order["workOrderId"]}
    survey = mutate("recordSurvey", {"customerId": "CU3", "surveyType": "csat", "score": 5, "contactId": "CT-1"})
    offer = mutate("recordOfferResponse", {"customerId": "CU3", "product": "extended_warranty", "response": "not_now"})
    consent = mutate("setConsent", {"customerId": "CU3", "channel": "wechat", "purpose": "marketing", "status": "granted"})
    for body, kind in ((survey, "survey"), (offer, "offer_response"), (consent, "consent")):
        assert "errors" not in body, body
        assert next(iter(body["data"].values()))["kind"] == kind
    rows = _log_rows(settings)[before:]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (kind, "CU3", "contact_engine")
        for kind in ("contact", "work_order_opened", "work_order_advanced", "survey", "offer_response", "consent")
    ]


def test_a_retry_returns_the_first_answer_and_writes_nothing(setup, mutate):
    settings = setup[0]
    key = f"retry-{uuid.uuid4().hex}"
    first = mutate("recordContact", CONTACT, key=key)
    again = [mutate("recordContact", dict(reversed(list(CONTACT.items()))), key=key) for _ in range(3)]
    assert all(body == first for body in again)
    assert len(_log_rows(settings, f"idempotency_key = '{key}'")) == 1
    changed = mutate("recordContact", {**CONTACT, "disposition": "resolved"}, key=key)
    assert changed["data"] is None
    assert changed["errors"][0]["message"].startswith(f"idempotencyKey: '{key}' was already used for a different request")
    # keys are scoped by role: the admin's key of the same name is another write-back
    assert mutate("recordContact", CONTACT, key=key, role="admin")["data"]["recordContact"]["eventId"] != \
        first["data"]["recordContact"]["eventId"]
    assert len(_log_rows(settings, f"idempotency_key = '{key}'")) == 2


def test_a_batch_answers_each_operation_in_its_place_and_retries_write_nothing(setup):
    settings, keys, client = setup
    headers = {"Authorization": f"Bearer {keys['contact_engine']}"}
    contact = "mutation($k: String!, $i: ContactInput!) { recordContact(idempotencyKey: $k, input: $i) { eventId customerId } }"
    batch_keys = [f"batch-{uuid.uuid4().hex}" for _ in range(20)]
    # CU1 only: the other tests of this module assert exact contact lists of CU2 and CU3
    batch = [{"query": contact, "variables": {"k": k, "i": {**CONTACT, "customerId": "CU1"}}} for k in batch_keys]
    batch.append({"query": contact, "variables": {"k": "bad", "i": {**CONTACT, "disposition": "hung_up"}}})
    batch.append({"query": PROFILE, "variables": {"id": "CU1"}})  # a query may ride along
    answers = client.post("/graphql", json=batch, headers=headers).json()
    assert len(answers) == 22
    assert len({a["data"]["recordContact"]["eventId"] for a in answers[:20]}) == 20
    assert answers[20]["data"] is None and answers[20]["errors"][0]["message"].startswith("input.disposition: 'hung_up'")
    assert answers[21]["data"]["customer"]["id"] == "CU1"
    keys_in = ", ".join(f"'{k}'" for k in batch_keys)
    assert len(_log_rows(settings, f"idempotency_key in ({keys_in})")) == 20
    assert client.post("/graphql", json=batch[:20], headers=headers).json() == answers[:20]  # the retried batch
    for position in (0, 7, 19):  # each answer is its own operation's: retried alone, it answers the same
        assert client.post("/graphql", json=batch[position], headers=headers).json() == answers[position]
    assert len(_log_rows(settings, f"idempotency_key in ({keys_in})")) == 20
    for body, message in (([], "a batch holds 1 to 100 operations, not 0"),
                          ([batch[0]] * 101, "a batch holds 1 to 100 operations, not 101"),
                          ([batch[0], "x"], "the body must be JSON")):
        response = client.post("/graphql", json=body, headers=headers)
        assert response.status_code == 400 and response.json()["errors"][0]["message"].startswith(message)


def test_a_retried_stage_change_is_not_refused_by_the_stage_it_applied(mutate):
    order = mutate("openWorkOrder", {"customerId": "CU1", "category": "complaint", "priority": "P3"})
    work_order_id = order["data"]["openWorkOrder"]["workOrderId"]
    step = {"workOrderId": work_order_id, "stage": "dispatched"}
    first = mutate("advanceWorkOrder", step, key=f"adv-{work_order_id}")
    assert mutate("advanceWorkOrder", step, key=f"adv-{work_order_id}") == first
    refused = mutate("advanceWorkOrder", step)
    assert refused["errors"][0]["message"] == (
        f"input.stage: 'dispatched' cannot follow stage 'dispatched' of work order {work_order_id} "
        "(allowed next: accepted, resolved)"
    )


def test_invalid_input_names_field_value_and_rule_and_writes_nothing(setup, mutate):
    settings = setup[0]
    before = _log_rows(settings)
    cases = [
        ("recordContact", {**CONTACT, "disposition": "hung_up"}, "input.disposition: 'hung_up' is not one of resolved"),
        ("recordContact", {**CONTACT, "customerId": "NOPE"}, "input.customerId: 'NOPE' is not a customer of the served build"),
        ("advanceWorkOrder", {"workOrderId": "W404", "stage": "closed"}, "input.workOrderId: 'W404' is not an open work order"),
        ("advanceWorkOrder", {"workOrderId": "W1", "stage": "created"}, "input.stage: 'created' cannot follow stage 'on_site'"),
        ("setConsent", {"customerId": "CU1", "channel": "fax", "purpose": "marketing", "status": "granted"},
         "input.channel: 'fax' is not one of sms, phone, email, wechat, app"),
    ]
    for name, data, message in cases:
        body = mutate(name, data)
        assert body["data"] is None and body["errors"][0]["message"].startswith(message), body
        assert "刹车" not in str(body)
    missing = mutate("recordSurvey", {"customerId": "CU1", "surveyType": "csat"})
    assert "score" in missing["errors"][0]["message"]
    assert _log_rows(settings) == before


@pytest.mark.parametrize("role", ["agent", "marketer", "rnd", "executive"])
def test_only_the_contact_engine_and_admin_may_write(mutate, role):
    body = mutate("setConsent", {"customerId": "CU1", "channel": "sms", "purpose": "service", "status": "granted"}, role=role)
    assert body["errors"][0]["message"] == f"field Mutation.setConsent is not available to role {role}"


def test_the_next_screen_pop_shows_the_write_backs(call, mutate):
    assert _profile(call, "CU2")["lifecycle"] == {"hasMarketingConsent": False, "openWorkOrderCount": 1}
    contact = mutate("recordContact", {**CONTACT, "customerId": "CU2"})["data"]["recordContact"]
    opened = mutate("openWorkOrder", {"customerId": "CU2", "category": "rescue", "priority": "P1"})
    new_order = opened["data"]["openWorkOrder"]["workOrderId"]
    mutate("advanceWorkOrder", {"workOrderId": "W1", "stage": "resolved", "resolution": "更换增压器"})
    mutate("recordOfferResponse", {"customerId": "CU2", "product": "financing", "response": "accepted"})
    mutate("setConsent", {"customerId": "CU2", "channel": "sms", "purpose": "marketing", "status": "granted"})
    profile = _profile(call, "CU2")
    assert profile["contacts"] == [{"contactId": contact["eventId"], "channel": "call", "disposition": "follow_up",
                                    "notes": CONTACT["notes"], "startedAt": "2026-11-23T01:00:00.000Z"}]
    # W1 was resolved live: no longer open; the new rescue order is
    assert profile["openWorkOrders"] == [{"workOrderId": new_order, "stage": "created", "status": "created",
                                          "slaState": "on_track"}]
    assert profile["offerResponses"] == [{"product": "financing", "response": "accepted"}]
    assert {"channel": "sms", "purpose": "marketing", "status": "granted", "isGranted": True} in profile["consents"]
    assert profile["lifecycle"] == {"hasMarketingConsent": True, "openWorkOrderCount": 1}


def test_a_withdrawn_consent_takes_effect_at_once_everywhere(setup, call, mutate):
    settings = setup[0]
    assert _profile(call, "CU1")["lifecycle"]["hasMarketingConsent"] is True
    store, ops = ServingStore(settings.serving_url), log_engine(settings.ops_url)
    with store.connect() as con:
        assert consents.granted(con, ops, "CU1", "sms", "marketing") is True
    mutate("setConsent", {"customerId": "CU9", "channel": "sms", "purpose": "marketing", "status": "withdrawn"})
    assert _profile(call, "CU1")["lifecycle"]["hasMarketingConsent"] is True  # phone marketing still granted
    phone_list = '{ crossSellList(product: "parts", channel: "phone") { edges { node { customerId } } } }'
    assert "CU1" in str(call(phone_list, role="marketer"))
    mutate("setConsent", {"customerId": "CU1", "channel": "phone", "purpose": "marketing", "status": "withdrawn"})
    assert _profile(call, "CU1")["lifecycle"]["hasMarketingConsent"] is False
    # a marketer works from lists (no customer lookup): CU1 leaves the phone list at once
    listed = call(phone_list, role="marketer")
    assert "errors" not in listed and "CU1" not in str(listed), listed
    with store.connect() as con:
        assert consents.granted_many(con, ops, ["CU1", "CU2", "CU3"], "sms", "marketing") == {
            "CU1": False, "CU2": True, "CU3": True}
        assert consents.granted(con, ops, "CU1", "phone", "service") is True
    store.close()
    ops.dispose()


def test_events_in_a_published_build_are_not_merged_again(setup, call, mutate):
    """Once a build containing an event is published, it comes from the marts only."""
    settings = setup[0]
    contact = mutate("recordContact", {**CONTACT, "customerId": "CU3", "notes": None})["data"]["recordContact"]
    seq = _log_rows(settings)[-1][0]
    shown = _profile(call, "CU3")["contacts"]
    assert [c["contactId"] for c in shown].count(contact["eventId"]) == 1
    # what the next build's marts hold: this contact, and the watermark at its seq
    make_warehouse(settings.warehouse_path, extra_sql=f"""
        insert into marts.fct_contacts values ('{contact['eventId']}', '{contact['eventId']}', 'CU3', null, {seq},
            'call', 'inbound', 'follow_up', 'repair', null, null, '2026-11-23 01:00:00', null, '2026-11-23 01:00:01');
        update marts.ops_watermark set ops_seq = {seq}, event_count = 1;""")
    publish(settings)
    after = _profile(call, "CU3")["contacts"]
    assert [c["contactId"] for c in after] == [contact["eventId"]]
    # events after the watermark still merge live
    later = mutate("recordContact", {**CONTACT, "customerId": "CU3", "startedAt": "2026-11-23T10:00:00+08:00"})
    assert [c["contactId"] for c in _profile(call, "CU3")["contacts"]] == [later["data"]["recordContact"]["eventId"],
                                                                          contact["eventId"]]


def test_write_backs_on_postgresql(tmp_path, postgres_url):
    """Production stores: serving and ops both on PostgreSQL (default durable commits)."""
    postgres_url = fresh_database(postgres_url, "writeback")  # it reads the whole event log
    settings = Settings(data_dir=tmp_path / "var", serving_url=postgres_url, ops_url=postgres_url)
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="pg-writeback")
    key = create_key(ops_engine(settings.ops_url), "contact_engine", "pg")
    headers = {"Authorization": f"Bearer {key}"}
    query = "mutation($k: String!, $i: %s!) { %s(idempotencyKey: $k, input: $i) { eventId workOrderId stage } }"
    with serving(settings) as url, httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        def send(name: str, input_type: str, data: dict, idem: str) -> dict:
            return client.post("/graphql", json={"query": query % (input_type, name),
                                                 "variables": {"k": idem, "i": data}}).json()

        opened = send("openWorkOrder", "WorkOrderInput", {"customerId": "CU2", "category": "repair", "priority": "P1"}, "o1")
        order = opened["data"]["openWorkOrder"]["workOrderId"]
        step = {"workOrderId": order, "stage": "dispatched"}
        first = send("advanceWorkOrder", "WorkOrderStageInput", step, "a1")
        assert first["data"]["advanceWorkOrder"]["stage"] == "dispatched"
        assert send("advanceWorkOrder", "WorkOrderStageInput", step, "a1") == first
        refused = send("advanceWorkOrder", "WorkOrderStageInput", {**step, "stage": "on_site"}, "a2")
        assert refused["errors"][0]["message"].startswith("input.stage: 'on_site' cannot follow stage 'dispatched'")
        profile = client.post("/graphql", json={"query": PROFILE, "variables": {"id": "CU2"}}).json()["data"]["customer"]
    assert [(w["workOrderId"], w["stage"]) for w in profile["openWorkOrders"]] == [(order, "dispatched"), ("W1", "on_site")]
    engine = log_engine(postgres_url)
    with engine.connect() as con:
        assert con.exec_driver_sql("select kind, scope from writeback_events order by seq").fetchall() == [
            ("work_order_opened", "contact_engine"), ("work_order_advanced", "contact_engine")]
    engine.dispose()
