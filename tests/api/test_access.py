"""The access model over fields and arguments (api/roles.py), generated from the SDL and
checked over HTTP for every role (issue 18 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLObjectType

from api.graph import schema
from api.roles import CLOSED_TYPES, LOOKUPS, NOT_LOOKUPS, ROLES, VISIBLE, field_table, may_read
from hub.settings import Settings
from tests.api.conftest import publish_fixture, unlimited

DOCS = Path(__file__).parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The fixture marts served without rate limits: each role calls every entry point here, more
    than a privacy key's burst allows, and the limits are tests/api/test_rate_limits.py's subject."""
    return unlimited(publish_fixture(Settings(data_dir=tmp_path_factory.mktemp("access") / "var")))


def _entry_points() -> list[tuple[str, str]]:
    sdl = schema()
    return [(t, name) for t in ("Query", "Mutation") for name in sdl.get_type(t).fields]


def test_every_argument_of_every_entry_point_has_a_rule():
    """A new argument of a Query or Mutation field fails here until api/roles.py says whether
    it is a lookup (LOOKUPS, with its roles) or matches no personal value (NOT_LOOKUPS)."""
    sdl = schema()
    arguments = {(name, argument) for t, name in _entry_points() for argument in sdl.get_type(t).fields[name].args}
    assert arguments == set(LOOKUPS) | NOT_LOOKUPS
    assert not set(LOOKUPS) & NOT_LOOKUPS


def test_every_type_and_entry_point_has_a_rule():
    """Every object type of the SDL is named by some role or closed on purpose; Query is listed
    field by field for every role (no wildcard), so a new Query field is closed until decided."""
    sdl = schema()
    types = {name for name, t in sdl.type_map.items() if isinstance(t, GraphQLObjectType) and not name.startswith("__")}
    named = {type_name for visible in VISIBLE.values() for type_name in visible}
    assert types == named | CLOSED_TYPES
    for role in ROLES:
        assert "*" not in VISIBLE[role]["Query"], role
        assert VISIBLE[role]["Query"] <= set(sdl.query_type.fields), role
    assert all(any(may_read(role, t, name) for role in ROLES) for t, name in _entry_points())


def test_docs_show_the_field_rules():
    assert field_table(_entry_points()) in DOCS.read_text(encoding="utf-8")


ENTRY_QUERIES = {
    "customer": '{ customer(id: "CU1") { id } }',
    "searchCustomers": '{ searchCustomers(text: "CU1") { pageInfo { hasNextPage } } }',
    "similarCases": '{ similarCases(text: "刹车异响") { workOrderId } }',
    "servingBuild": "{ servingBuild { buildId } }",
    "fieldAlerts": "{ fieldAlerts { id } }",
    "fieldAlert": '{ fieldAlert(id: "FA-nothing") { id } }',
    "kpis": '{ kpis(from: "2026-03-31", to: "2026-03-31") { queue } }',
    "staffingPlan": '{ staffingPlan(date: "2026-04-01", queue: "service") { date } }',
    "forecastAccuracy": "{ forecastAccuracy { modelName } }",
    "crossSellList": '{ crossSellList(product: "parts") { pageInfo { hasNextPage } } }',
    "auditLog": "{ auditLog(first: 1) { pageInfo { hasNextPage } } }",
    "retentionList": "{ retentionList { pageInfo { hasNextPage } } }",
    "offerConversions": "{ offerConversions { campaignId } }",
    "serviceNoticeList": '{ serviceNoticeList(model: "J6P") { pageInfo { hasNextPage } } }',
    "searchKnowledge": '{ searchKnowledge(text: "尿素故障灯") { cases { workOrderId } } }',
    "knowledgeArticle": '{ knowledgeArticle(id: "KB0001") { articleId } }',
    "knowledgeContributions": "{ knowledgeContributions { author } }",
    "salesLeads": "{ salesLeads { edges { node { leadId } } } }",
    "identityOverrides": "{ identityOverrides { overrideId } }",
    "scorecards": '{ scorecards(week: "2026-03-30") { kpi } }',
    "qaSamples": '{ qaSamples(week: "2026-03-30") { callId } }',
    "alertDeliveries": "{ alertDeliveries { deliveryId } }",
    "engineersOnDuty": '{ engineersOnDuty(region: "华北服务中心", at: "2026-03-31T06:00:00Z") { engineerId } }',
    "suggestAssignee": '{ suggestAssignee(workOrderId: "W7", at: "2026-03-31T06:00:00Z") { reasons } }',
    "slaAtRisk": "{ slaAtRisk(first: 1) { pageInfo { hasNextPage } } }",
}


def test_entry_queries_cover_the_sdl():
    assert set(ENTRY_QUERIES) == set(schema().query_type.fields)


@pytest.mark.parametrize("field", sorted(ENTRY_QUERIES))
def test_every_query_field_is_open_exactly_to_its_roles_over_http(api, field):
    for role in ROLES:
        response = api(ENTRY_QUERIES[field], role=role)
        body = response.json()
        refused = f"field Query.{field} is not available to role {role}"
        if may_read(role, "Query", field):
            assert response.status_code == 200, (role, field, body)
            assert refused not in str(body), (role, field, body)
        else:
            assert response.status_code == 400 and body.get("data") is None, (role, field, body)
            assert body["errors"][0]["message"] == refused


@pytest.mark.parametrize("role", ["marketer", "sales", "executive"])
def test_marketers_and_executives_look_no_customer_up(api, role):
    """A marketer works from consent-aware lists, an executive from aggregates: neither reads
    a customer, consenting or not, by any key (CU3 opted out of personalised marketing)."""
    for lookup in ('id: "CU1"', 'id: "CU3"', 'phone: "13800138000"', 'vin: "LSVNV2182E2100001"', 'crmId: "CRM1"'):
        body = api(f"{{ customer({lookup}) {{ id }} }}", role=role).json()
        assert body.get("data") is None and "CU" not in str(body.get("data")), (role, lookup, body)
        assert body["errors"][0]["message"] == f"field Query.customer is not available to role {role}"


def test_every_role_has_a_rate_limit():
    from hub.settings import DEFAULT_RATE_LIMITS

    assert set(DEFAULT_RATE_LIMITS) == set(ROLES)
