"""Row counts per build, kept in the warehouse so each build is compared with the last.

ops_meta.build_row_counts holds one row per (build, table). A rebuild of the same build id
replaces its rows, so re-running a failed build does not compare the build with itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

HISTORY_TABLE = "ops_meta.build_row_counts"


def ensure_history(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ops_meta")
    con.execute(
        f"""
        create table if not exists {HISTORY_TABLE} (
            build_id varchar not null,
            table_name varchar not null,
            row_count bigint not null,
            recorded_at timestamp not null,
            primary key (build_id, table_name)
        )
        """
    )


def record_and_compare(con: duckdb.DuckDBPyConnection, relation: str, build_id: str) -> pd.DataFrame:
    """Record this build's row count of relation; return it beside the previous build's.

    One row: table_name, previous_rows (NULL on the first build), current_rows,
    change_ratio (current / previous, NULL when there is nothing to compare with).
    """
    ensure_history(con)
    current = con.execute(f"select count(*) from {relation}").fetchone()[0]
    previous_row = con.execute(
        f"""
        select row_count from {HISTORY_TABLE}
        where table_name = ? and build_id <> ?
        order by recorded_at desc limit 1
        """,
        [relation, build_id],
    ).fetchone()
    con.execute(
        f"insert or replace into {HISTORY_TABLE} values (?, ?, ?, ?)",
        [build_id, relation, current, datetime.now(UTC).replace(tzinfo=None)],
    )
    # NaN, not NA: GE treats NaN as missing and skips it, which is what a first build needs.
    previous = float(previous_row[0]) if previous_row else float("nan")
    ratio = current / previous if previous_row and previous else float("nan")
    return pd.DataFrame(
        {"table_name": [relation], "previous_rows": [previous], "current_rows": [float(current)], "change_ratio": [ratio]}
    )


def history(con: duckdb.DuckDBPyConnection, relation: str) -> pd.DataFrame:
    """Every recorded count of relation, oldest first."""
    ensure_history(con)
    return con.execute(
        f"select build_id, row_count, recorded_at from {HISTORY_TABLE} where table_name = ? order by recorded_at",
        [relation],
    ).df()
