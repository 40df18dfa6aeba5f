"""Depth, aliases, list sizes and cost are refused before anything runs."""

from __future__ import annotations

import pytest


def _refused(response, words: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body
    assert words in body["errors"][0]["message"]


def test_first_above_100_refused(api):
    _refused(api('{ searchCustomers(text: "张伟", first: 101) { edges { cursor } } }'), "between 0 and 100")


def test_first_from_variables_is_bounded_too(api):
    query = "query($n: Int) { customer(id: \"CU1\") { recentCalls(first: $n) { callId } } }"
    _refused(api(query, variables={"n": 1000}), "between 0 and 100")
    assert api(query, variables={"n": 1}).status_code == 200


def test_many_aliases_refused(api):
    fields = " ".join(f'c{i}: customer(id: "CU1") {{ id }}' for i in range(11))
    _refused(api(f"{{ {fields} }}"), "11 aliases")


def test_deep_query_refused_before_validation(api):
    # the schema has no cycles yet, so a deep query is also invalid: depth must be refused first
    deep = '{ customer(id: "CU1") { ' + "a { " * 9 + "b" + " }" * 9 + " } }"
    _refused(api(deep), "depth exceeds the maximum of 8")


def test_deepest_real_query_is_allowed(api):
    query = '{ searchCustomers(text: "张伟", first: 1) { edges { node { vehicles(first: 1) { health { drivingScore } } } } } }'
    assert api(query).status_code == 200


@pytest.mark.parametrize("first", [100, 60])
def test_expensive_fan_out_refused(api, first):
    query = f"""{{ searchCustomers(text: "张伟", first: {first}) {{ edges {{ node {{
        id recentCalls(first: 50) {{ callId startedAt }} }} }} }} }}"""
    _refused(api(query), "exceeds the maximum")


def test_screen_pop_is_within_cost(api):
    query = """{ customer(id: "CU1") { id name phones { number } vehicles { vin health { drivingScore } }
        recentCalls { callId } openWorkOrders { workOrderId slaState } lifecycle { stage } } }"""
    assert api(query).status_code == 200
