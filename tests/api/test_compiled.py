"""Precompiled screen-pops (api.compiled) answer exactly as graphql-core's execution does.

Two servers on the same serving fixture, one running documents precompiled (the default) and one
with HUB_API_COMPILED off, get the same screen-pop documents for every customer by every key
(ids, merged ids, phones in several formats, VINs, CRM duplicates, misses, refused arguments)
and several roles; the bodies must be equal. A unit test holds which documents compile.
"""

from __future__ import annotations

import httpx
import pytest
from graphql import parse

from api.compiled import compile_document
from api.graph import schema
from tests.api.conftest import serving, unlimited
from tests.publish.marts import PHONE_1, PHONE_2, SWITCHBOARD, VIN_A, VIN_B, VIN_C

BENCH = """query($phone: String) { customer(phone: $phone) { id name city primaryPhone
  phones { number kind } vehicles { vin modelName health { activeFaultCount drivingScore } }
  recentCalls(first: 5) { callId startedAt queue disposition }
  openWorkOrders { workOrderId stage slaState slaDueAt } lifecycle { stage churnRisk callCount } } }"""

DESK = """query Desk($id: ID, $phone: String, $vin: String) {
  customer(id: $id, phone: $phone, vin: $vin) {
    id name customerType segment city primaryPhone
    lifecycle { stage churnRisk valueCny nextBestOffer }
    vehicles { vin modelName activeFaults { faultCode description activeSince }
               openFieldAlerts { severity agentScript } }
    suggestions(first: 5) { kind id title reasons }
    openWorkOrders { workOrderId category priority stage slaState faultCode }
    serviceHistory(first: 5) { edges { node { workOrderId createdAt category resolution callbackScore } } }
  } }"""

WIDE = """query Wide($id: ID, $phone: String, $vin: String, $crm: ID, $calls: Int = 2) {
  __typename
  who: customer(id: $id, phone: $phone, vin: $vin, crmId: $crm) {
    __typename id customerType name gender city segment crmRecordCount primaryPhone firstRegisteredAt
    phones { number kind label isPrimary isCallerId }
    vehicles(first: 1) { vin modelCode modelName buildBatch engineType ownedFrom
      health { activeFaultCount drivingScore kmLast30Days lastActiveDate } }
    calls: recentCalls(first: $calls) { callId startedAt direction queue disposition isAnswered
      queueWaitSeconds handleSeconds surveyScore }
    openWorkOrders(first: 3) { workOrderId vin category priority status stage stageEnteredAt component
      faultCode createdAt slaDueAt slaState }
    lifecycle { stage churnRisk churnReasons { rank reason } valueCny expectedPurchases12m nextBestOffer
      hasMarketingConsent callCount recentCallCount lastCallAt openWorkOrderCount purchaseCount
      purchasesAmountCny }
    contacts { contactId channel }
    consents { channel purpose isGranted }
  } }"""

KEYS = (
    [{"id": c} for c in ("CU1", "CU2", "CU3", "CU9", "CU404", " CU1 ")]
    + [{"phone": p} for p in (PHONE_1, PHONE_2, SWITCHBOARD, "+86 138 0013 8000", "0086-13800138000",
                              "139-0013-9000", "13700000000", "not a number", "1" * 80)]
    + [{"vin": v} for v in (VIN_A, VIN_B.lower(), VIN_C, "NOTAVIN")]
    + [{"crm": c} for c in ("CRM1", "CRM2", "CRM3", "CRM4", "CRM404")]
    + [{}, {"id": "CU1", "phone": PHONE_1}]
)


def _variables(document: str, key: dict) -> dict:
    if "$crm" not in document and "crm" in key:
        return {"id": key["crm"]}  # documents without crmId: an id that misses
    return key


@pytest.fixture(scope="module")
def both(published, keys):
    """post(body, role) -> (compiled answer, graphql-core answer), each as (status, JSON body)."""
    fast = unlimited(published)  # the comparison sends many lookups from one key
    plain = fast.model_copy(update={"api_compiled": False})
    with serving(fast) as compiled_url, serving(plain) as plain_url, \
            httpx.Client(base_url=compiled_url, timeout=30) as a, httpx.Client(base_url=plain_url, timeout=30) as b:

        def post(body: object, role: str = "agent"):
            headers = {"Authorization": f"Bearer {keys[role]}"}
            ra, rb = a.post("/graphql", json=body, headers=headers), b.post("/graphql", json=body, headers=headers)
            return (ra.status_code, ra.json()), (rb.status_code, rb.json())

        yield post


@pytest.mark.parametrize("document", [BENCH, DESK, WIDE], ids=["bench", "desk", "wide"])
def test_compiled_and_graphql_core_answer_alike(both, document):
    # one batch per role (a JSON list of operations, each answered on its own): every key at once
    batch = [{"query": document, "variables": _variables(document, key)} for key in KEYS]
    for role in ("agent", "supervisor", "admin"):
        compiled, executed = both(batch, role)
        assert compiled[0] == executed[0] == 200, role
        for key, mine, theirs in zip(KEYS, compiled[1], executed[1], strict=True):
            assert mine == theirs, (key, role)
        if role == "agent":  # the comparison covers profiles, not only misses and refusals
            assert sum(1 for a in compiled[1] if any((a.get("data") or {}).get(k) for k in ("customer", "who"))) >= 6


def test_errors_read_the_same(both):
    for document, variables in (
        (BENCH, {"phone": 13800138000}),  # a variable that does not coerce
        (WIDE, {"id": "CU1", "calls": 1000}),  # over the bound
        ("{ customer(id: \"CU1\") { id nosuch } }", {}),
        ("query Q { customer(id: \"CU1\") { id } } query R { servingBuild { buildId } }", {}),
    ):
        compiled, executed = both({"query": document, "variables": variables})
        assert compiled == executed, document


def test_answers_render_as_json_does():
    import json

    from api.app import render_json

    for body in ({"data": {"customer": {"name": "张伟", "score": 0.1 + 0.2, "n": 10**15, "ok": True, "x": None}}},
                 {"errors": [{"message": "tab\there, quote \" and \u001f, \u2028 line"}]}, [{"data": None}],
                 {"big": 10**30}):
        assert render_json(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def test_which_documents_compile():
    s = schema()
    assert compile_document(s, parse(BENCH)) is not None
    assert compile_document(s, parse(DESK)) is not None
    assert compile_document(s, parse(WIDE)) is not None
    for other in (
        "query { customer(id: \"CU1\") { ...F } } fragment F on Customer { id }",  # fragments
        "query($x: Boolean!) { customer(id: \"CU1\") { id @include(if: $x) } }",  # directives
        "query { searchCustomers(text: \"zh\") { edges { node { id } } } }",  # reads info beyond context
        "query { customer(id: \"CU1\") { id } customer(id: \"CU1\") { name } }",  # merged fields
        "mutation { __typename }",
    ):
        assert compile_document(s, parse(other)) is None, other


def test_the_default_server_runs_the_plan_not_graphql_core(published, keys, monkeypatch):
    import api.service

    calls = []
    execute = api.service.execute
    monkeypatch.setattr(api.service, "execute", lambda *a, **k: calls.append(1) or execute(*a, **k))
    headers = {"Authorization": f"Bearer {keys['agent']}"}
    plain = published.model_copy(update={"api_compiled": False})
    for settings, executed in ((published, 0), (plain, 1)):
        with serving(settings) as url:
            calls.clear()
            body = httpx.post(f"{url}/graphql", json={"query": BENCH, "variables": {"phone": PHONE_1}},
                              headers=headers, timeout=10).json()
            assert body["data"]["customer"]["id"] == "CU1"
            assert len(calls) == executed
