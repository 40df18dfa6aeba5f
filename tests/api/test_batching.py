"""Nested lists are loaded in bulk (no N+1) and checked documents are reused.

The server runs in this process (tests/api/conftest.py), so the tests count the statements
the serving store runs and the documents that get parsed and validated, per request.
"""

from __future__ import annotations

import pytest

from api.documents import DocumentCache
from api.store import Reader

NESTED = """{ searchCustomers(text: "CU", first: %d) { edges { node {
  id phones { number } vehicles { vin health { drivingScore } } recentCalls { callId }
  openWorkOrders { workOrderId } } } } }"""


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    rows = Reader.rows

    def counted(self: Reader, sql: str, params: dict) -> list[dict]:
        ran.append(sql)
        return rows(self, sql, params)

    monkeypatch.setattr(Reader, "rows", counted)
    return ran


def test_nested_lists_cost_one_statement_per_field_whatever_the_number_of_customers(api, statements):
    counts = {}
    for first in (1, 3):
        statements.clear()
        body = api(NESTED % first).json()
        assert "data" in body, body
        assert len(body["data"]["searchCustomers"]["edges"]) == first, body
        counts[first] = len(statements)
    # search + phones + vehicles + recent calls + open work orders; vehicle health rides on vehicles;
    # + the served build's ops seq, once per request (read-your-writes merges events above it)
    assert counts[1] == counts[3] <= 6, counts


def test_a_query_text_is_parsed_and_validated_once_per_role(api, monkeypatch):
    checked: list[tuple[str, str]] = []
    check = DocumentCache._check

    def counted(self: DocumentCache, query: str, role: str):
        checked.append((query, role))
        return check(self, query, role)

    monkeypatch.setattr(DocumentCache, "_check", counted)
    query = "# a text no other test sends\n" + NESTED % 2
    for _ in range(3):
        assert api(query).status_code == 200
    assert api(query, role="contact_engine").status_code == 200
    assert checked == [(query, "agent"), (query, "contact_engine")]
