"""Suites on the raw schema: what ingestion delivered, before dbt reads it.

Blocking suites here stop dbt: a source that quarantined a large share of its rows or lost
rows since the last build is a broken export, and marts built on it would mislead.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from hub.settings import Settings, get_settings
from ingestion.contracts import CONTRACTS, SOURCES
from orchestration.lib.quality.history import record_and_compare
from orchestration.lib.quality.suite import Suite, rule, table_exists

LEDGER = "raw._ledger"
# A source whose share of quarantined rows passes this is sending broken exports.
MAX_QUARANTINE_SHARE = 0.05
# A source whose newest event is this far behind the newest event of any source is stale.
MAX_LAG_HOURS = 48.0

# The newest event of each source: the table and the expression that dates its rows (UTC).
EVENT_TIME = {
    "crm": ("raw.crm__customers", "updated_at"),
    "acd": ("raw.acd__call_legs", "started_at"),
    "ticketing": ("raw.ticketing__transitions", "stage_at"),
    "telematics": ("raw.telematics__readings", "make_timestamp(reading_ts * 1000)"),
    "sales": ("raw.sales__leads", "created_at"),
}


@dataclass(frozen=True)
class NullShareLimit:
    table: str
    column: str
    max_share: float
    where: str = "true"
    why: str = ""
    setting: str | None = None  # the hub setting read when the suite runs (max_share is its default)


# Identifiers that link records to customers: when normalisation rejects too many, identity
# resolution silently loses its links, which no row-level test can notice.
NULL_SHARE_LIMITS = (
    NullShareLimit("raw.crm__phones", "phone_e164", Settings.model_fields["gate_max_crm_phone_null_share"].default,
                   why="phones that do not parse cannot link calls", setting="gate_max_crm_phone_null_share"),
    NullShareLimit(
        "raw.acd__call_legs", "ani_e164", 0.25, "direction = 'inbound'", "inbound calls need a caller number to find the customer"
    ),
    NullShareLimit("raw.crm__ownerships", "vin", 0.02, why="an ownership without a valid VIN links nothing"),
    NullShareLimit("raw.telematics__readings", "vin", 0.0, why="vin is part of the readings key"),
)


def _quarantine_frame(source: str):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        return con.execute(
            f"""
            select
                ? as source,
                coalesce(sum(rows_read), 0) as rows_read,
                coalesce(sum(rows_quarantined), 0) as rows_quarantined,
                coalesce(sum(rows_quarantined) / nullif(sum(rows_read), 0), 0.0) as quarantined_share
            from {LEDGER}
            where source = ?
            """,
            [source, source],
        ).df()

    return frame


def _freshness_frame(source: str):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        latest = " union all ".join(
            f"select '{name}' as source, max({expression})::timestamp as latest_at from {table}"
            for name, (table, expression) in EVENT_TIME.items()
            if table_exists(con, table)
        )
        return con.execute(
            f"""
            with latest as ({latest}),
            data_end as (select max(latest_at) as data_end_at from latest)
            select
                source,
                latest_at,
                data_end_at,
                date_diff('minute', latest_at, data_end_at) / 60.0 as lag_hours,
                date_diff('minute', latest_at, now()::timestamp) / 60.0 as age_hours
            from latest, data_end
            where source = ?
            """,
            [source],
        ).df()

    return frame


def _null_share_frame(limit: NullShareLimit):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        return con.execute(
            f"""
            select
                count(*) as rows_checked,
                coalesce(avg(case when {limit.column} is null then 1.0 else 0.0 end), 0.0) as null_share,
                ? as max_null_share
            from {limit.table}
            where {limit.where}
            """,
            [_max_share(limit)],
        ).df()

    return frame


def _max_share(limit: NullShareLimit) -> float:
    return float(getattr(get_settings(), limit.setting)) if limit.setting else limit.max_share


def _row_count_frame(table: str):
    def frame(con: duckdb.DuckDBPyConnection, build_id: str) -> pd.DataFrame:
        return record_and_compare(con, table, build_id)

    return frame


def raw_suites() -> list[Suite]:
    """Every suite on the raw schema, in a fixed order."""
    suites: list[Suite] = []
    for source in SOURCES:
        table, _ = EVENT_TIME[source]
        suites.append(
            Suite(
                name="quarantine_share",
                table=table,
                frame=_quarantine_frame(source),
                blocking=True,
                description=f"Share of {source} rows quarantined by ingestion, over the whole ledger.",
                rules=(
                    rule(
                        "expect_column_values_to_be_between",
                        f"at most {MAX_QUARANTINE_SHARE:.0%} of a source's rows may be quarantined",
                        column="quarantined_share",
                        min_value=0.0,
                        max_value=MAX_QUARANTINE_SHARE,
                    ),
                ),
            )
        )
        suites.append(
            Suite(
                name="freshness",
                table=table,
                frame=_freshness_frame(source),
                description=f"{source}'s newest event against the newest event of any source (the data end).",
                rules=(
                    rule("expect_table_row_count_to_equal", "the source must have rows", value=1),
                    rule(
                        "expect_column_values_to_be_between",
                        f"a source may lag the data end by at most {MAX_LAG_HOURS:.0f} h",
                        column="lag_hours",
                        min_value=0.0,
                        max_value=MAX_LAG_HOURS,
                    ),
                ),
            )
        )
    for limit in NULL_SHARE_LIMITS:
        suites.append(
            Suite(
                name=f"null_share_{limit.column}",
                table=limit.table,
                frame=_null_share_frame(limit),
                description=f"Share of rows without a usable {limit.column}.",
                rules=(
                    rule(
                        "expect_column_pair_values_a_to_be_greater_than_b",
                        f"{limit.why}: at most {limit.max_share:.0%} may be NULL"
                        + (f" (default; HUB_{limit.setting.upper()} sets it)" if limit.setting else ""),
                        column_A="max_null_share",
                        column_B="null_share",
                        or_equal=True,
                    ),
                ),
            )
        )
    for contract in CONTRACTS:
        suites.append(
            Suite(
                name="row_count_change",
                table=contract.raw_table,
                frame=_row_count_frame(contract.raw_table),
                blocking=True,
                description="Raw tables only grow: fewer rows than the last build means data was lost.",
                rules=(
                    rule(
                        "expect_column_pair_values_a_to_be_greater_than_b",
                        "raw tables are append-only: never fewer rows than at the last build",
                        column_A="current_rows",
                        column_B="previous_rows",
                        or_equal=True,
                        ignore_row_if="either_value_is_missing",
                    ),
                ),
            )
        )
    return suites
