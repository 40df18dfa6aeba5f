"""Suites on the marts: what the published tables must look like as a whole.

dbt's tests hold each row to its rules; these hold the table to what a contact center's
numbers look like (shares, ranges, nulls) and to the previous build (a mart that lost a
fifth of its rows since the last build is not published).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from hub.settings import Settings, get_settings
from orchestration.lib.quality.history import record_and_compare
from orchestration.lib.quality.suite import Suite, rule

# A mart may shrink by at most this share between builds; growth up to MAX_GROWTH is normal
# (a backfill, a first full day after a gap), beyond it something duplicated rows.
MAX_SHRINK = 0.20
MAX_GROWTH = 10.0


def _row_count_frame(table: str):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        return record_and_compare(con, table, build_id)

    return frame


def row_count_suites(relations: Sequence[str]) -> list[Suite]:
    return [
        Suite(
            name="row_count_change",
            table=relation,
            frame=_row_count_frame(relation),
            blocking=True,
            description="Rows against the previous build: a mart that shrank is not published.",
            rules=(
                rule(
                    "expect_column_values_to_be_between",
                    f"rows may change by -{MAX_SHRINK:.0%} to x{MAX_GROWTH:.0f} since the last build",
                    column="change_ratio",
                    min_value=1 - MAX_SHRINK,
                    max_value=MAX_GROWTH,
                ),
            ),
        )
        for relation in relations
    ]


def _aggregate(sql: str):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        return con.execute(sql).df()

    return frame


def _aggregate_with_floor(sql: str, column: str, setting: str):
    """The frame of sql plus `<column>_floor`, the floor read from settings when the suite runs."""
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        out = con.execute(sql).df()
        out[f"{column}_floor"] = float(getattr(get_settings(), setting))
        return out

    return frame


def _at_least_floor(column: str, setting: str, why: str):
    """column >= the floor in settings; why gets the setting's name and default."""
    default = Settings.model_fields[setting].default
    return rule("expect_column_pair_values_a_to_be_greater_than_b",
                f"{why} (HUB_{setting.upper()}, default {default:.0%})", column_A=column,
                column_B=f"{column}_floor", or_equal=True)


def _between(column: str, low: float | None, high: float | None, why: str, **extra: object):
    return rule("expect_column_values_to_be_between", why, column=column, min_value=low, max_value=high, **extra)


# What the published numbers of a contact center look like. Per-day frames allow a few odd
# days (a holiday, a storm) through `mostly`; whole-table frames are one row.
DISTRIBUTION_SUITES = (
    Suite(
        name="daily_call_distribution",
        table="marts.fct_calls",
        frame=_aggregate(
            """
            select call_date,
                   count(*) filter (where is_offered) as offered,
                   avg(is_abandoned::int) filter (where is_offered) as abandon_share,
                   median(handle_seconds) filter (where is_answered) as median_handle_seconds
            from marts.fct_calls where call_direction = 'inbound'
            group by call_date
            """
        ),
        rules=(
            _between("abandon_share", 0.0, 0.6, "more than 60% abandoned in a day is a broken ACD export", mostly=0.95),
            _between("median_handle_seconds", 30, 1800, "median handle time per day between 30 s and 30 min", mostly=0.95),
        ),
        description="Per day: abandonment share and median handle time of inbound calls.",
    ),
    Suite(
        name="caller_identification",
        table="marts.fct_calls",
        frame=_aggregate_with_floor(
            """
            select avg(is_customer_identified::int) as identified_share
            from marts.fct_calls where call_direction = 'inbound'
            """,
            "identified_share",
            "gate_min_identified_call_share",
        ),
        rules=(_at_least_floor("identified_share", "gate_min_identified_call_share",
                               "a share of inbound calls under the floor means phone links broke in identity"),),
        description="Share of inbound calls whose caller resolved to a customer.",
    ),
    Suite(
        name="profile_shape",
        table="marts.customer_profile",
        frame=_aggregate_with_floor(
            """
            select avg((phone_count > 0)::int) as with_phone_share,
                   avg(crm_record_count) as crm_records_per_customer,
                   max(crm_record_count) as max_crm_records
            from marts.customer_profile
            """,
            "with_phone_share",
            "gate_min_profile_phone_share",
        ),
        blocking=True,
        rules=(
            _at_least_floor("with_phone_share", "gate_min_profile_phone_share",
                            "screen-pop finds customers by phone: at least the floor must have one "
                            "(set 0 for a CRM without phones)"),
            _between("crm_records_per_customer", 1.0, 1.5, "more than 1.5 CRM records per customer means over-merging"),
        ),
        description="Profiles reachable by phone, and CRM records per unified customer (over-merge guard).",
    ),
    Suite(
        name="work_order_sla",
        table="marts.fct_work_orders",
        frame=_aggregate(
            """
            select avg(is_sla_met::int) as sla_met_share,
                   min(hours_to_resolve) as min_hours_to_resolve
            from marts.fct_work_orders
            """
        ),
        rules=(
            _between("sla_met_share", 0.3, 1.0, "SLA compliance under 30% is a broken stage history"),
            _between("min_hours_to_resolve", 0.0, None, "no work order resolves before it is created"),
        ),
        description="SLA compliance share and resolution times of work orders.",
    ),
    Suite(
        name="vehicle_day_ranges",
        table="marts.fct_telematics_daily",
        frame=_aggregate(
            """
            select max(km_driven) as max_km_per_day,
                   median(100 * fuel_litres / km_driven) filter (where km_driven >= 10) as median_litres_per_100km
            from marts.fct_telematics_daily
            """
        ),
        rules=(
            _between("max_km_per_day", 0.0, 2400.0, "a truck cannot drive more than 2,400 km in a day"),
            _between("median_litres_per_100km", 5.0, 80.0, "median fuel use of trucks and vans per 100 km"),
        ),
        description="Kilometres per vehicle-day and fuel use within what vehicles can do.",
    ),
)


def mart_suites(relations: Sequence[str]) -> list[Suite]:
    """Every suite on the marts that exist in the dbt project."""
    present = set(relations)
    return row_count_suites(relations) + [s for s in DISTRIBUTION_SUITES if s.table in present]
