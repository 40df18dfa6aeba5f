"""The model assets sit between the two dbt ops, and a weekly schedule retrains and republishes."""

from __future__ import annotations

import dagster as dg
import pytest

MODEL_TABLES = ("churn_scores", "lifecycle_stages", "customer_value", "cross_sell_scores")


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


def test_models_read_marts_and_feed_the_scored_marts_and_publish(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    keys = {dg.AssetKey(["models", table]) for table in MODEL_TABLES}
    assert keys <= set(graph.get_all_asset_keys())
    churn = dg.AssetKey(["models", "churn_scores"])
    assert dg.AssetKey(["marts", "fct_calls"]) in graph.get(churn).parent_keys
    assert churn in graph.get(dg.AssetKey(["models", "lifecycle_stages"])).parent_keys
    scores = graph.get(dg.AssetKey(["marts", "fct_customer_scores"]))
    assert {dg.AssetKey(["models", t]) for t in ("churn_scores", "lifecycle_stages", "customer_value")} <= scores.parent_keys
    assert dg.AssetKey(["marts", "fct_customer_scores"]) in graph.get(dg.AssetKey(["serving", "store"])).parent_keys


def test_weekly_retrain_schedule_runs_models_scored_marts_and_publish(defs: dg.Definitions) -> None:
    schedule = next(s for s in defs.schedules if s.name == "weekly_model_retrain")
    assert schedule.cron_schedule == "30 3 * * 1" and schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("model_retrain")
    selected = job.asset_layer.selected_asset_keys
    assert {dg.AssetKey(["models", t]) for t in MODEL_TABLES} <= selected
    assert {dg.AssetKey(["marts", "fct_customer_scores"]), dg.AssetKey(["serving", "store"])} <= selected
    assert dg.AssetKey(["marts", "fct_calls"]) not in selected  # the marts are the nightly build's
    tick = schedule.evaluate_tick(dg.build_schedule_context())
    assert tick.run_requests[0].run_config == {"ops": {"cs_hub_dbt_scored": {"config": {"full_refresh": False}}}}
