"""What an outside caller can send is bounded before work and answered as a caller error:
staffing targets, fragment fan-out, `first` through variables (issue 18)."""

from __future__ import annotations

import io
import logging
import math
import re
from pathlib import Path

import httpx
import pytest

from api import errors, profiles
from api.app import MAX_BODY_BYTES
from api.graph import schema
from api.roles import LOOKUPS, ROLES, lookup_table
from hub import identifiers
from hub.erlang import MAX_AGENTS, required_agents
from hub.identifiers import normalize_phone
from hub.log import PiiFilter
from tests.api.conftest import serving




def _caller_error(response, *words: str) -> str:
    """The one error's message; the request is answered (no 5xx), never as an internal error."""
    assert response.status_code in (200, 400), response.text
    body = response.json()
    message = body["errors"][0]["message"]
    assert "internal error" not in message
    for word in words:
        assert word in message, (word, message)
    return message


@pytest.mark.parametrize(("argument", "value", "allowed"), [
    ("maxOccupancy", 1e-300, "between 0.1 and 1.0"),
    ("maxOccupancy", 0.0, "between 0.1 and 1.0"),
    ("serviceLevel", 0.9999999, "between 0.01 and 0.999"),
    ("serviceLevel", -1.0, "between 0.01 and 0.999"),
    ("shrinkage", 0.99, "between 0.0 and 0.9"),
    ("answerWithinSeconds", 10**9, "between 0 and 3600"),
])
def test_staffing_plan_targets_are_refused_before_work(api, argument, value, allowed):
    query = '{ staffingPlan(date: "2026-04-01", queue: "service", %s: %r) { queue } }' % (argument, value)
    response = api(query, role="executive")
    assert response.json()["data"] is None
    _caller_error(response, f"{argument}=", allowed)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_staffing_plan_date_outside_the_calendar_is_refused(api, day):
    query = '{ staffingPlan(date: "%s", queue: "service") { intervals { agents } } }' % day
    _caller_error(api(query, role="executive"), f"date={day}", "between 1970-01-01 and 2199-12-31")


def test_staffing_plan_within_range_still_plans(api):
    query = '{ staffingPlan(date: "2026-04-01", queue: "service", maxOccupancy: 0.1) { intervals { agents } } }'
    response = api(query, role="executive")
    assert response.status_code == 200, response.text
    # 10 Erlangs (100 calls of 180 s in 30 minutes) at 10% occupancy: 100 agents
    assert response.json()["data"]["staffingPlan"]["intervals"][0]["agents"] == 100


def test_erlang_search_is_capped():
    """Traffic beyond what MAX_AGENTS can carry is refused; just under it the search ends (linear)."""
    with pytest.raises(ValueError, match="traffic=.*at most"):
        required_agents(1e12, 180)
    plan = required_agents(MAX_AGENTS * 0.9 * 10, 180, max_occupancy=1.0, target_service_level=0.999)
    assert plan.agents <= MAX_AGENTS and math.isfinite(plan.service_level)


def test_doubling_fragment_chain_is_refused_quickly(api):
    """Each fragment spreads the previous one twice: 2**24 expansions if walked naively (the
    naive walk took 4 s at 20 levels, about a minute at 24). The client's timeout (10 s,
    tests/api/conftest.py) fails this test if the check is exponential."""
    levels = 24
    fragments = ["fragment F0 on Customer { id name city segment gender customerType }"]
    fragments += [f"fragment F{i} on Customer {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    query = '{ customer(id: "CU1") { ...F%d } }\n%s' % (levels, "\n".join(fragments))
    assert len(query) < 1_500
    response = api(query)
    assert response.status_code == 400
    _caller_error(response, "exceeds the maximum of 2000")


def test_first_from_a_variable_default_is_bounded(api):
    query = 'query($n: Int = 1000) { searchCustomers(text: "张伟", first: $n) { edges { cursor } } }'
    response = api(query)
    assert response.status_code == 400
    _caller_error(response, "between 0 and 100", "got 1000")


def test_first_from_a_float_variable_is_bounded(api):
    query = 'query($n: Int) { searchCustomers(text: "张伟", first: $n) { edges { cursor } } }'
    response = api(query, variables={"n": 1000.0})
    assert response.status_code == 400
    _caller_error(response, "between 0 and 100", "got 1000")
    assert api(query, variables={"n": 2.0}).status_code == 200


@pytest.fixture(scope="module")
def raw(published, keys):
    """A client on its own server, for bodies the `api` fixture cannot send."""
    with serving(published) as url, httpx.Client(base_url=url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {keys['agent']}"
        yield client


def test_body_over_the_limit_is_413(raw):
    padding = "x" * (MAX_BODY_BYTES + 1)
    response = raw.post("/graphql", json={"query": "{ servingBuild { buildId } }", "variables": {"pad": padding}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == f"the request body is larger than {MAX_BODY_BYTES} bytes"


def test_streamed_body_over_the_limit_is_413(raw):
    """Chunked, without a Content-Length: refused while it arrives."""
    def chunks():
        yield b'{"query": "{ servingBuild { buildId } }", "variables": {"pad": "'
        for _ in range(MAX_BODY_BYTES // 65_536 + 2):
            yield b"x" * 65_536
        yield b'"}}'

    response = raw.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_body_under_the_limit_is_served(raw):
    padding = "x" * (MAX_BODY_BYTES - 1_000)
    response = raw.post("/graphql", json={"query": "{ servingBuild { buildId } }", "variables": {"pad": padding}})
    assert response.status_code == 200, response.text


def test_long_lookup_key_is_a_caller_error(api):
    response = api('query($p: String) { customer(phone: $p) { id } }', variables={"p": "138" * 100_000})
    _caller_error(response, "customer(phone:) is at most 64 characters")


def test_phone_cache_never_keeps_unbounded_input():
    before = identifiers._parse_phone.cache_info().currsize
    assert normalize_phone("13800138000" + " " * 10 + "9" * 10_000) is None
    assert identifiers._parse_phone.cache_info().currsize == before
    assert normalize_phone("+86 (010) 6552-9988 ext. 12").e164 == "+861065529988"


SEARCH = 'query($t: String!) { searchCustomers(text: $t) { edges { cursor } } }'


def test_explicit_null_for_a_defaulted_argument_is_a_caller_error(api):
    response = api('{ searchCustomers(text: "张伟", first: null) { edges { cursor } } }')
    assert response.status_code == 400
    messages = [e["message"] for e in response.json()["errors"]]
    assert "argument `first` must not be null: leave it out for its default 20" in messages
    through_variable = 'query($n: Int) { searchCustomers(text: "张伟", first: $n) { edges { cursor } } }'
    _caller_error(api(through_variable, variables={"n": None}), "Argument 'first'", "must not be null")
    plan = '{ staffingPlan(date: "2026-04-01", queue: "service", maxOccupancy: null) { queue } }'
    _caller_error(api(plan, role="executive"), "argument `maxOccupancy` must not be null")


def test_lone_surrogate_in_a_string_is_a_caller_error(raw):
    body = '{"query": "%s", "variables": {"t": "ab\\ud800"}}' % SEARCH.replace('"', '\\"')
    response = raw.post("/graphql", content=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "lone UTF-16 surrogate" in response.json()["errors"][0]["message"]


def test_search_text_past_sqlites_like_limit_is_a_caller_error(api):
    _caller_error(api(SEARCH, variables={"t": "张" * 30_000}), "searchCustomers text is at most 100 characters")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_caller_error(raw, depth):
    body = '{"query": "{ servingBuild { buildId } }", "variables": {"v": %s%s}}' % ("[" * depth, "]" * depth)
    response = raw.post("/graphql", content=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "the body's JSON is nested deeper than 32 levels"


def test_error_reference_is_found_verbatim_in_the_log(api, monkeypatch):
    """An unexpected failure answers a reference; the PII-filtered log carries the same text,
    even when every hex digit of it is a decimal digit (once masked as a phone number)."""
    def fail(*_args):
        raise RuntimeError("the store broke")

    monkeypatch.setattr(profiles, "find_customer", fail)
    monkeypatch.setattr(errors.secrets, "token_hex", lambda _n: "13800138")
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(PiiFilter())
    logger = logging.getLogger("api.errors")
    logger.addHandler(handler)
    try:
        response = api('{ customer(id: "CU1") { id } }')
    finally:
        logger.removeHandler(handler)
    message = response.json()["errors"][0]["message"]
    reference = re.fullmatch(r"internal error \(reference (\S+)\)", message).group(1)
    assert reference == "E13800138"
    assert reference in written.getvalue() and "<phone>" not in written.getvalue()


LOOKUP_VALUES = {"id": '"CU1"', "phone": '"13800138000"', "vin": '"LSVNV2182E2100001"', "crmId": '"CRM1"',
                 "text": '"张伟"', "first": "1", "after": '""'}


def _lookup_query(field: str, argument: str) -> str:
    value = LOOKUP_VALUES[argument]
    if field == "customer":
        return f"{{ customer({argument}: {value}) {{ id }} }}"
    extra = "" if argument == "text" else f", {argument}: {value}"
    return f'{{ searchCustomers(text: "张伟"{extra}) {{ edges {{ cursor }} }} }}'


def test_every_lookup_argument_has_a_rule():
    """Generated from the SDL: a new argument of customer or searchCustomers fails here
    until api/roles.py LOOKUPS says which roles may use it."""
    query_type = schema().query_type
    arguments = {(f, a) for f in ("customer", "searchCustomers") for a in query_type.fields[f].args}
    assert arguments == set(LOOKUPS)


@pytest.mark.parametrize(("field", "argument"), sorted(LOOKUPS))
def test_lookup_rules_hold_over_http_for_every_role(api, field, argument):
    query = _lookup_query(field, argument)
    for role in ROLES:
        response = api(query, role=role)
        assert response.status_code in (200, 400), response.text
        body = response.json()
        messages = [e["message"] for e in body.get("errors", [])]
        refused = [m for m in messages if f"role {role} may not use" in m or "is not available to role" in m]
        if role in LOOKUPS[(field, argument)]:
            assert not refused, (role, query, messages)
        else:
            assert refused, (role, query, body)
            assert not (body.get("data") or {}).get(field), (role, query, body)


def test_masked_phone_roles_cannot_confirm_a_number(api):
    """The oracle: a role guessing the digits behind 138****8000 learns nothing (marketers
    and executives have no customer lookup at all: tests/api/test_access.py)."""
    for role in ("rnd",):
        body = api('{ customer(phone: "13800138000") { id } }', role=role).json()
        assert body["data"] == {"customer": None}, (role, body)
        assert body["errors"][0]["message"].startswith(f"role {role} may not use customer(phone:)")
    dialler = api('{ customer(phone: "13800138000") { id } }', role="contact_engine").json()
    assert dialler["data"]["customer"]["id"] == "CU1"


def test_roles_that_do_not_read_names_cannot_search_them(api):
    for role in ("marketer", "executive", "rnd"):
        body = api('{ searchCustomers(text: "张伟") { edges { node { id } } } }', role=role).json()
        assert body.get("data") is None, body
        assert f"field Query.searchCustomers is not available to role {role}" in body["errors"][0]["message"]


def test_docs_show_the_lookup_rules():
    assert lookup_table() in (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
