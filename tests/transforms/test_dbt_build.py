"""The dbt project builds and tests cleanly on a small raw fixture (idempotent rebuilds: test_identity)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.transforms.conftest import query

MARTS = (
    "dim_customers", "dim_customer_phones", "customer_aliases", "customer_id_history", "customer_profile",
    "dim_vehicles", "dim_vehicle_ownerships", "fct_telematics_daily", "fct_calls", "fct_work_orders",
    "fct_work_order_stages", "fct_purchases", "fct_consents",
)
# (mart, key) of the marts the other engines' builds compare with DuckDB's row for row
MART_KEYS = (
    ("dim_customers", "customer_id"),
    ("dim_customer_phones", "customer_phone_id"),
    ("customer_profile", "customer_id"),
    ("dim_vehicles", "vin"),
    ("dim_vehicle_ownerships", "ownership_id"),
    ("fct_calls", "call_id"),
    ("fct_work_orders", "work_order_id"),
    ("fct_work_order_stages", "work_order_stage_id"),
    ("fct_telematics_daily", "vehicle_day_id"),
    ("fct_purchases", "purchase_id"),
    ("fct_consents", "consent_id"),
    ("dim_field_vehicles", "vin"),
    ("fct_component_failures", "failure_id"),
    ("fct_failure_exposure_weekly", "cell_week_id"),
    ("fct_field_failure_rates_weekly", "rate_week_id"),
    ("fct_driving_behaviour", "vin"),
    ("fct_queue_intervals", "queue_interval_id"),
    ("fct_queue_days", "queue_day_id"),
    ("fct_agent_days", "agent_day_id"),
    ("fct_work_order_sla", "work_order_id"),
    ("fct_work_order_days", "work_order_day_id"),
    ("fct_region_workload", "region_office"),
)


def test_every_mart_is_built(built_fixture: Path) -> None:
    tables = {name for (name,) in query(
        built_fixture, "select table_name from information_schema.tables where table_schema = 'marts'"
    )}
    assert set(MARTS) <= tables


def test_dimensions_carry_an_unknown_member(built_fixture: Path) -> None:
    assert query(built_fixture, "select count(*) from marts.dim_customers where customer_id = 'UNKNOWN'") == [(1,)]
    assert query(built_fixture, "select count(*) from marts.dim_vehicles where vin = 'UNKNOWN'") == [(1,)]


def test_call_legs_roll_up_into_one_call(built_fixture: Path) -> None:
    row = query(built_fixture, "select leg_count, transfer_count, talk_seconds, handle_seconds, queue_wait_seconds, "
                               "survey_score, final_queue_name from marts.fct_calls where call_id = 'K1'")
    assert row == [(2, 1, 500, 560, 60, 5, "repair")]


def test_telematics_day_sums_plausible_deltas(built_fixture: Path) -> None:
    rows = query(built_fixture, "select activity_date::varchar, km_driven, fuel_litres, harsh_braking_count, "
                                "faults_raised_count from marts.fct_telematics_daily order by activity_date")
    # readings at 08:00, 10:00, 12:00 Beijing time on the 20th: 100 + 80 km, 2 h x 30 l/h twice
    assert rows[0] == ("2026-01-20", 180.0, 120.0, 1, 1)
    # deltas are summed as exact decimals: 13.5 l/h over 7226 s is 27.0975, rounded half up
    assert rows[-1] == ("2026-01-23", 90.0, Decimal("27.098"), 0, 0)


def test_profile_shows_masked_phones_only(built_fixture: Path) -> None:
    phones = query(built_fixture, "select phones_masked from marts.customer_profile where phones_masked is not null")
    assert phones and all("*" in p and "+86" not in p for (p,) in phones)


def test_consent_latest_event_wins_across_duplicate_records(built_fixture: Path) -> None:
    rows = query(built_fixture, "select consent_status, event_count from marts.fct_consents")
    assert rows == [("withdrawn", 2)]

