"""The Dagster code location loads, and its asset graph is the pipeline docs/design.md describes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest

from ingestion.contracts import CONTRACTS

MARTS = (
    "dim_customers",
    "dim_vehicles",
    "dim_vehicle_ownerships",
    "fct_calls",
    "fct_work_orders",
    "fct_work_order_stages",
    "fct_telematics_daily",
    "fct_purchases",
    "fct_consents",
    "customer_profile",
)


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def graph(defs: dg.Definitions):
    return defs.resolve_asset_graph()


def key(*parts: str) -> dg.AssetKey:
    return dg.AssetKey(list(parts))


def test_every_raw_table_feeds_its_staging_model(graph) -> None:
    for contract in CONTRACTS:
        raw = key("raw", f"{contract.source}__{contract.entity}")
        staging = key("staging", f"stg_{contract.source}__{contract.entity}")
        assert graph.has(raw), raw
        assert raw in graph.get(staging).parent_keys, f"{staging} must read {raw}"


def test_marts_descend_from_raw_and_publish_follows_them(graph) -> None:
    for mart in MARTS:
        upstream = graph.get_ancestor_asset_keys(key("marts", mart))
        assert any(k.path[0] == "raw" for k in upstream), f"marts/{mart} has no raw ancestor"
    serving = graph.get(key("serving", "store"))
    assert key("marts", "customer_profile") in serving.parent_keys
    assert key("marts", "fct_calls") in graph.get_ancestor_asset_keys(serving.key)
    # dbt tests became asset checks; the serving store itself is downstream of everything it reads
    assert key("raw", "acd__call_legs") in graph.get_ancestor_asset_keys(serving.key)


def test_quality_gate_checks_raw_and_marts_and_blocks_publishing(graph) -> None:
    checks = set(graph.asset_check_keys)
    names = {(c.asset_key.to_user_string(), c.name) for c in checks}
    for contract in CONTRACTS:
        assert (f"raw/{contract.source}__{contract.entity}", "row_count_change") in names
    assert ("marts/fct_calls", "daily_call_distribution") in names
    assert ("marts/customer_profile", "unique_customer_profile_customer_id") in names  # a dbt test
    profile_shape = graph.get_check_spec(dg.AssetCheckKey(key("marts", "customer_profile"), "profile_shape"))
    assert profile_shape.blocking
    blocking_on_published = [
        c for c in checks
        if c.asset_key in graph.get(key("serving", "store")).parent_keys and graph.get_check_spec(c).blocking
    ]
    assert len(blocking_on_published) >= len(graph.get(key("serving", "store")).parent_keys)


def test_a_build_runs_each_dbt_op_as_one_step(defs: dg.Definitions) -> None:
    """A check op spanning both dbt ops made Dagster split each into two steps: two extra
    dbt invocations per build. The plan must be ingest -> gate -> dbt -> gate -> models ->
    scored dbt -> gate -> publish, one step each."""
    from dagster._core.execution.api import create_execution_plan  # the plan, without running it

    plan = create_execution_plan(defs.resolve_job_def("hub_build"))
    steps = [step.key for level in plan.get_steps_to_execute_by_level() for step in level]
    assert [s for s in steps if s.startswith("cs_hub_dbt")] == ["cs_hub_dbt", "cs_hub_dbt_scored"]
    assert steps.index("raw_quality_gate") < steps.index("cs_hub_dbt") < steps.index("mart_quality_gate") \
        < steps.index("models__churn_scores") < steps.index("cs_hub_dbt_scored") \
        < steps.index("scored_mart_quality_gate") < steps.index("serving__store")
    assert len(steps) == len(set(steps))


def test_schedules_and_sensor(defs: dg.Definitions) -> None:
    schedules = {s.name: s for s in defs.schedules}
    assert schedules["hourly_incremental_build"].cron_schedule == "5 * * * *"
    assert schedules["nightly_full_build"].cron_schedule == "30 2 * * *"
    nightly = schedules["nightly_full_build"].evaluate_tick(dg.build_schedule_context())
    assert nightly.run_requests[0].run_config["ops"]["cs_hub_dbt"]["config"]["full_refresh"] is True
    assert {s.name for s in defs.sensors} == {"landing_files", "ops_writebacks"}
    assert defs.resolve_job_def("hub_build") is not None


def test_landing_sensor_requests_one_run_per_new_files(defs: dg.Definitions, data_dir: Path) -> None:
    from orchestration.lib.resources import HubResource

    sensor = next(s for s in defs.sensors if s.name == "landing_files")
    hub = HubResource(data_dir=str(data_dir))
    landing = data_dir / "landing" / "acd"
    landing.mkdir(parents=True)

    first = sensor.evaluate_tick(dg.build_sensor_context(resources={"hub": hub}))
    assert not first.run_requests and first.skip_message

    (landing / "call_legs_20260101.csv").write_text("call_id\n", encoding="utf-8")
    second = sensor.evaluate_tick(dg.build_sensor_context(resources={"hub": hub}))
    [request] = second.run_requests
    assert request.tags["hub/new_files"] == "1"
    assert request.run_config["ops"]["cs_hub_dbt"]["config"]["full_refresh"] is False

    # the same files, seen again through the stored cursor: no second run
    third = sensor.evaluate_tick(dg.build_sensor_context(cursor=second.cursor, resources={"hub": hub}))
    assert not third.run_requests

    later = landing / "call_legs_20260102.csv"
    later.write_text("call_id\n", encoding="utf-8")
    stamp = json.loads(second.cursor)["mtime"] + 5
    os.utime(later, (stamp, stamp))
    fourth = sensor.evaluate_tick(dg.build_sensor_context(cursor=second.cursor, resources={"hub": hub}))
    [request] = fourth.run_requests
    assert request.tags["hub/new_files"] == "1" and request.run_key != second.run_requests[0].run_key


def test_ops_write_backs_feed_their_staging_models_and_the_published_marts(graph) -> None:
    from ingestion.contracts import OPS_CONTRACTS

    for contract in OPS_CONTRACTS:
        raw = key("raw", contract.name)
        assert raw in graph.get(key("staging", f"stg_{contract.name}")).parent_keys
    serving = graph.get(key("serving", "store"))
    for mart in ("fct_contacts", "fct_offer_responses", "ops_watermark"):
        assert key("marts", mart) in serving.parent_keys
    assert key("raw", "ops__consents") in graph.get_ancestor_asset_keys(key("marts", "fct_consents"))
    assert key("raw", "ops__work_order_changes") in graph.get_ancestor_asset_keys(key("marts", "fct_work_orders"))


def test_ops_sensor_requests_a_run_for_write_backs_not_yet_exported(defs: dg.Definitions, data_dir: Path) -> None:
    import json

    from hub.settings import get_settings
    from hub.writeback import Append, append, log_engine
    from ingestion.ops_export import export_events
    from orchestration.lib.resources import HubResource

    sensor = next(s for s in defs.sensors if s.name == "ops_writebacks")
    hub = HubResource(data_dir=str(data_dir))
    assert not sensor.evaluate_tick(dg.build_sensor_context(resources={"hub": hub})).run_requests

    settings = get_settings()
    engine = log_engine(settings.ops_url, writer=True)
    payload = {"channel": "sms", "purpose": "marketing", "status": "withdrawn", "source": None}
    append(engine, [Append({"event_id": f"e{i}", "kind": "consent", "customer_id": "CU1", "payload": json.dumps(payload),
                            "scope": "contact_engine", "idempotency_key": f"k{i}", "request_hash": "h", "response": "{}",
                            "recorded_at": "2026-11-23T10:00:00.000Z"}) for i in range(3)])
    engine.dispose()
    [request] = sensor.evaluate_tick(dg.build_sensor_context(resources={"hub": hub})).run_requests
    assert request.run_key == "ops-3" and request.tags["hub/ops_events"] == "3"
    assert request.run_config["ops"]["cs_hub_dbt"]["config"]["full_refresh"] is False
    # once exported into landing/ops (the build's first step), nothing is pending
    [written] = export_events(settings)
    assert written.name == "consents_000000000001-000000000003.jsonl"
    assert not sensor.evaluate_tick(dg.build_sensor_context(resources={"hub": hub})).run_requests
    assert export_events(settings) == []


def test_identity_pairs_run_after_raw_crm_and_before_the_identity_graph(graph) -> None:
    """The Splink matcher reads the raw CRM table and feeds dbt's identity graph (docs/identity.md)."""
    pairs, shared = key("models", "identity_pairs"), key("models", "identity_shared_identifier_pairs")
    raw_crm = {key("raw", "crm__customers"), key("raw", "crm__phones"), key("raw", "crm__emails")}
    assert graph.get(pairs).parent_keys == raw_crm and graph.get(shared).parent_keys == raw_crm
    assert pairs in graph.get(key("intermediate", "int_identity_match_pairs")).parent_keys
    assert shared in graph.get(key("intermediate", "int_identity_excluded_identifiers")).parent_keys
    # no cycle through dbt: the matcher reads no dbt model
    assert not any(k.path[0] in ("staging", "intermediate", "marts") for k in graph.get_ancestor_asset_keys(pairs))
    assert pairs in graph.get_ancestor_asset_keys(key("marts", "customer_profile"))
