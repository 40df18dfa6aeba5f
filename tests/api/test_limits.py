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


def _list_fields() -> dict[str, set[object]]:
    """Every field of the SDL that returns a list of objects or a connection, with the
    default of its `first` argument when it has one (None when it has none)."""
    from graphql import GraphQLList, GraphQLObjectType, get_named_type, get_nullable_type

    from api.graph import schema

    found: dict[str, set[object]] = {}
    for type_name, graphql_type in schema().type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            listed = isinstance(get_nullable_type(field.type), GraphQLList)
            named = get_named_type(field.type)
            if isinstance(named, GraphQLObjectType) and (listed or named.name.endswith("Connection")):
                first = field.args.get("first")
                found.setdefault(name, set()).add(first.default_value if first is not None else None)
    return found


def test_every_list_field_has_its_true_bound():
    """Generated from the SDL: a new list field fails here until api/limits.py says how many
    items it can return; a field with `first` is counted at its SDL default."""
    from api.limits import LIST_SIZES

    fields = _list_fields()
    assert set(fields) - {"kpis"} == set(LIST_SIZES)  # kpis: sized by its arguments
    for name, defaults in fields.items():
        assert len(defaults) == 1, (name, defaults)  # one bound per field name
        default = defaults.pop()
        if default is not None:
            assert LIST_SIZES[name] == default, name


KPI_QUERY = """query($from: Date!, $to: Date!, $queue: String, $grain: KpiGrain) {
  kpis(from: $from, to: $to, queue: $queue, grain: $grain) {
    queue grain date periodStart offered answered abandoned shortAbandoned
    serviceLevel { value numerator denominator } abandonRate { value numerator denominator }
  }
}"""


def test_kpis_cost_their_row_count(api):
    """31 days at INTERVAL grain over every queue: up to 31 x 48 x 7 rows, refused whether the
    range comes as literals or variables; one queue, or DAY grain, passes."""
    month = {"from": "2026-03-01", "to": "2026-03-31", "grain": "INTERVAL"}
    _refused(api(KPI_QUERY, role="executive", variables=month), "aggregate values")
    fields = KPI_QUERY[KPI_QUERY.index("    queue grain"):KPI_QUERY.rindex("  }")]
    literal = f'{{ kpis(from: "2026-03-01", to: "2026-03-31", grain: INTERVAL) {{ {fields} }} }}'
    # 10,416 rows x 16 (8 fields, 2 ratios of 1 + 3)
    _refused(api(literal, role="executive"), "query asks for up to 166656 aggregate values")
    for fits in ({**month, "queue": "service"}, {**month, "grain": "DAY"}, {**month, "grain": "TOTAL"}):
        response = api(KPI_QUERY, role="executive", variables=fits)
        assert response.status_code == 200 and "errors" not in response.json(), (fits, response.text)


def test_lists_without_first_are_counted_at_their_bound(api):
    """fieldAlerts and similarCases cost their default size even when `first` is left out
    (they used to count as 1): 1 + 50 alerts x (id + failures + 100 x 2 fields) = 10,101."""
    query = "{ fieldAlerts { id failures { vin workOrderId } } }"
    _refused(api(query, role="rnd"), "query cost 10101 exceeds the maximum of 2000")
    assert api("{ fieldAlerts(first: 2) { id failures { vin workOrderId } } }", role="rnd").status_code == 200
