"""Suites on the marts: what the published tables must look like as a whole.

dbt's tests hold each row to its rules; these hold the table to what a contact center's
numbers look like (shares, ranges, nulls) and to the previous build (a mart that lost a
fifth of its rows since the last build is not published).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

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


def mart_suites(relations: Sequence[str]) -> list[Suite]:
    """Every suite on the marts that exist in the dbt project."""
    return row_count_suites(relations)
