"""Identity resolution on hand-made cases, through the real dbt project on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transforms.conftest import UNSCORED, query, run_dbt
from tests.transforms.raw_fixture import (
    HOTLINE,
    MERGING_MOBILE,
    SWITCHBOARD,
    append_batch,
    build_fixture_warehouse,
    merging_batch,
    over_sharing_batch,
)


def customer_of(warehouse: Path) -> dict[str, str]:
    rows = query(warehouse, "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved")
    return dict(rows)


def test_shared_switchboard_does_not_merge(built_fixture: Path) -> None:
    ids = customer_of(built_fixture)
    assert len({ids["C3"], ids["C4"], ids["F1"]}) == 3
    reason = query(
        built_fixture,
        f"select exclusion_reason, customer_count from intermediate.int_identity_excluded_identifiers "
        f"where identifier_value = '{SWITCHBOARD}'",
    )
    assert reason == [("switchboard", 3)]


def test_service_number_does_not_merge_even_labelled_mobile(built_fixture: Path) -> None:
    ids = customer_of(built_fixture)
    assert ids["C5"] != ids["C6"]
    reason = query(
        built_fixture,
        f"select exclusion_reason from intermediate.int_identity_excluded_identifiers where identifier_value = '{HOTLINE}'",
    )
    assert reason == [("service_number",)]


def test_shared_id_card_and_shared_mobile_merge(built_fixture: Path) -> None:
    ids = customer_of(built_fixture)
    assert ids["C1"] == ids["C2"]
    assert ids["C7"] == ids["C8"]
    assert len(set(ids.values())) == len(ids) - 2


def test_caller_on_switchboard_is_unknown_and_on_mobile_is_resolved(built_fixture: Path) -> None:
    ids = customer_of(built_fixture)
    calls = dict(query(built_fixture, "select call_id, customer_id from marts.fct_calls"))
    assert calls == {"K1": ids["C7"], "K2": "UNKNOWN"}


def test_vehicle_events_go_to_the_owner_of_the_day(built_fixture: Path) -> None:
    ids = customer_of(built_fixture)
    owners = query(built_fixture, "select distinct customer_id from marts.fct_telematics_daily")
    assert owners == [(ids["C7"],)]  # sold by C3 on 2026-01-15, readings from 2026-01-20


INCREMENTAL_FACTS = ("fct_calls", "fct_work_orders", "fct_telematics_daily")
IDENTITY_MODELS = ("--select", "+customer_aliases", "+customer_id_history", "+dim_customers")
NO_TESTS = ("--exclude-resource-type", "test")


def _facts(warehouse: Path) -> dict[str, list[tuple]]:
    return {t: query(warehouse, f"select * from marts.{t} order by all") for t in INCREMENTAL_FACTS}


@pytest.mark.slow
@pytest.mark.scale
def test_ids_are_stable_merges_leave_aliases_and_splits_restore(tmp_path: Path) -> None:
    warehouse = build_fixture_warehouse(tmp_path / "warehouse.duckdb")
    run_dbt("build", *NO_TESTS, *UNSCORED, warehouse=warehouse, work_dir=tmp_path)
    first, facts = customer_of(warehouse), _facts(warehouse)
    assert first["C10"] != first["C11"]

    # a second build with no new data changes nothing: no id, no fact row
    run_dbt("build", *NO_TESTS, *UNSCORED, warehouse=warehouse, work_dir=tmp_path)
    assert customer_of(warehouse) == first
    assert _facts(warehouse) == facts
    assert query(warehouse, "select count(distinct invocation_id) from intermediate.int_customer_id_registry") == [(1,)]

    # new data links C11 to C10 (built with --full-refresh: the registry survives it): the
    # older id survives, the other resolves through an alias, nobody else is renamed
    append_batch(warehouse, merging_batch(), "b2")
    run_dbt("build", "--full-refresh", *NO_TESTS, *IDENTITY_MODELS, warehouse=warehouse, work_dir=tmp_path)
    second = customer_of(warehouse)
    assert second["C10"] == second["C11"] == first["C10"]
    assert {k: v for k, v in second.items() if k != "C11"} == {k: v for k, v in first.items() if k != "C11"}
    aliases = dict(query(warehouse, "select alias_id, customer_id from marts.customer_aliases"))
    assert aliases == {first["C11"]: first["C10"]}
    history = query(warehouse, "select from_customer_id, to_customer_id, change_kind from marts.customer_id_history")
    assert history == [(first["C11"], first["C10"], "merged")]

    # the mobile then turns up on two unrelated records: shared by four, it stops linking,
    # and the split gives C11 its own id back (the merge is undone); dbt's tests pass
    append_batch(warehouse, over_sharing_batch(), "b3")
    run_dbt("build", "--indirect-selection", "cautious", *IDENTITY_MODELS, warehouse=warehouse, work_dir=tmp_path)
    assert customer_of(warehouse) == first
    assert query(warehouse, "select count(*) from marts.customer_aliases") == [(0,)]
    kinds = query(warehouse, "select change_kind from marts.customer_id_history order by changed_at")
    assert kinds == [("merged",), ("split",)]
    reason = query(
        warehouse,
        f"select exclusion_reason from intermediate.int_identity_excluded_identifiers "
        f"where identifier_value = '{MERGING_MOBILE}'",
    )
    assert reason == [("shared_by_too_many_customers",)]
