"""Random but schema-valid GraphQL requests from the SDL, for tests/api/test_fuzz.py and bench/fuzz_api.py.

Every Query field a role may read is called with hypothesis-drawn arguments (hostile
strings: lone surrogates, SQL and LIKE metacharacters, very long texts; extreme and
non-finite numbers; nulls; junk dates and enum values), sent as variables in JSON with
\\u escapes so that lone surrogates reach the server as a real client would send them.
"""

from __future__ import annotations

import json
import re

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
    get_named_type,
)
from hypothesis import strategies as st

from api.graph import sdl
from api.roles import VISIBLE, may_read

SCHEMA = build_schema(sdl())
HOSTILE = st.sampled_from([
    "", " ", "\ud800", "a\udfffb", "%", "_%_", "' or 1=1 --", "\x00", "张伟", "138****8000", "13800138000",
    "+86 138 0013 8000", "CU1", "9" * 70, "张" * 101, "%" * 5000, "\u202e", "null", "2026-02-30", "DAY",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-16"), max_size=10))
INT = st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 101, 2**31, -(2**63), 10**30]))
FLOAT = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                  st.sampled_from([1e-300, 5e-324, 0.0, -0.0, 1.0, 1.5, 1e308]))
# leaked personal data: a full mobile number (not masked) or a fixture customer's name
PERSONAL = re.compile(r"(?<!\*)1[3-9]\d{9}|\+86\d{6,}|张伟|李娜")


def _value(graphql_type) -> st.SearchStrategy:
    nullable = not isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if isinstance(inner, GraphQLList):
        base = st.lists(_value(inner.of_type), max_size=3)
    elif isinstance(inner, GraphQLEnumType):
        base = st.one_of(st.sampled_from(sorted(inner.values)), TEXT)
    elif isinstance(inner, GraphQLScalarType) and inner.name == "Int":
        base = INT
    elif isinstance(inner, GraphQLScalarType) and inner.name == "Float":
        base = st.one_of(FLOAT, INT)
    elif isinstance(inner, GraphQLScalarType) and inner.name == "Boolean":
        base = st.booleans()
    elif isinstance(inner, GraphQLScalarType):
        base = st.one_of(TEXT, st.dates().map(str))
    else:  # input objects: one value per field
        base = st.fixed_dictionaries({name: _value(f.type) for name, f in inner.fields.items()})
    return st.one_of(st.none(), base) if nullable else st.one_of(base, st.none())


def _type_ref(graphql_type) -> str:
    return str(graphql_type)


def _selection(role: str, graphql_type, depth: int = 0) -> str:
    named = get_named_type(graphql_type)
    if not isinstance(named, GraphQLObjectType):
        return ""
    leaves = []
    for name, field in named.fields.items():
        if not may_read(role, named.name, name) or any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = _selection(role, field.type, depth + 1) if depth < 2 else ""
        if isinstance(get_named_type(field.type), GraphQLObjectType):
            if inner:
                leaves.append(f"{name} {inner}")
        else:
            leaves.append(name)
    return "{ __typename " + " ".join(leaves[:12]) + " }"


def fields_for(role: str) -> list[str]:
    query = SCHEMA.query_type
    assert query is not None
    def reachable(field) -> bool:
        named = get_named_type(field.type)
        return not isinstance(named, GraphQLObjectType) or named.name in VISIBLE[role]

    return [name for name, field in query.fields.items() if may_read(role, "Query", name) and reachable(field)]


@st.composite
def request(draw, role: str) -> tuple[str, dict]:
    """(JSON body, for the logs) of one query of a field the role may read."""
    name = draw(st.sampled_from(fields_for(role)))
    field = SCHEMA.query_type.fields[name]
    chosen = {a: arg for a, arg in field.args.items()
              if isinstance(arg.type, GraphQLNonNull) or draw(st.booleans())}
    variables = {a: draw(_value(arg.type)) for a, arg in chosen.items()}
    declared = ", ".join(f"${a}: {_type_ref(arg.type)}" for a, arg in chosen.items())
    passed = ", ".join(f"{a}: ${a}" for a in chosen)
    query = (f"query{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''} "
             f"{_selection(role, field.type)} }}")
    return json.dumps({"query": query, "variables": variables}, ensure_ascii=True), {"field": name}


def problem(status: int, text: str, sent: str) -> str | None:
    """What is wrong with the answer to the JSON body `sent`, or None. Personal data in an
    error counts unless it is the caller's own value echoed back (`from='13800138000'`)."""
    if status >= 500:
        return f"HTTP {status}"
    if "internal error" in text:
        return "internal error"
    try:
        body = json.loads(text)
    except ValueError:
        return "not JSON"
    errors = json.dumps(body.get("errors", []) if isinstance(body, dict) else body, ensure_ascii=False)
    echoed = json.dumps(json.loads(sent), ensure_ascii=False)
    if any(match.group() not in echoed for match in PERSONAL.finditer(errors)):
        return "personal data in an error"
    return None
