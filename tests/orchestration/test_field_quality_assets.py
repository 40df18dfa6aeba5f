"""The field-quality assets sit where the build needs them: marts -> models -> scored marts ->
publish -> reports."""

from __future__ import annotations

import dagster as dg
import pytest


def key(*parts: str) -> dg.AssetKey:
    return dg.AssetKey(list(parts))


@pytest.fixture(scope="module")
def graph():
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def test_models_read_the_marts_and_feed_the_scored_marts(graph):
    alerts = graph.get(key("models", "field_alerts"))
    assert key("marts", "fct_component_failures") in alerts.parent_keys
    assert key("models", "field_alerts") in graph.get(key("marts", "fct_field_alerts")).parent_keys
    assert key("models", "field_alert_failures") in graph.get(key("marts", "fct_field_alert_failures")).parent_keys
    assert key("models", "similar_case_terms") in graph.get(key("marts", "fct_similar_case_terms")).parent_keys


def test_publish_serves_them_and_reports_follow_the_publish(graph):
    serving = graph.get(key("serving", "store"))
    for mart in ("fct_field_alerts", "fct_field_alert_days", "fct_field_alert_failures",
                 "fct_field_failure_rates_weekly", "fct_similar_case_terms", "fct_driving_behaviour"):
        assert key("marts", mart) in serving.parent_keys, mart
    assert key("serving", "store") in graph.get(key("reports", "field_alerts")).parent_keys
    # the leadership report and pushed alerts read the served store too (docs/notify.md)
    assert key("serving", "store") in graph.get(key("reports", "leadership")).parent_keys
    assert key("serving", "store") in graph.get(key("alerts", "deliveries")).parent_keys
