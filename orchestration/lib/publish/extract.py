"""Reads the warehouse's serving views, one cursor per serving table, streamed in key order.

Every rule behind a served column (the SLA state, the driving score, the recent-call cut)
is the serving models' (transforms/models/serving/), with its dbt tests; this side only
copies. Dates and times are formatted as text here when the target store keeps them so.
"""

from __future__ import annotations

import duckdb

from orchestration.lib.publish.tables import ServingContract


class Extract:
    """The warehouse side of a publish: one read-only connection, one cursor per serving table."""

    def __init__(self, con: duckdb.DuckDBPyConnection, contract: ServingContract) -> None:
        self.con, self.contract = con, contract
        # as of the latest event in the warehouse; the highest ops write-back seq it contains
        self.as_of, self.ops_seq = con.execute(f"select as_of, ops_seq from {contract.build_relation}").fetchone()
        self.source_counts = {
            relation: con.execute(f"select count(*) from {relation}").fetchone()[0]
            for relation in contract.source_relations
        }

    def cursor(
        self, table: str, order_by: list[str], text_formats: dict[str, str] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """The rows of one serving table sorted on order_by (its key: B-tree pages then fill in
        order), with the columns of text_formats formatted by strftime; fetch them in batches."""
        formatted = ", ".join(f"strftime({column}, '{fmt}') as {column}" for column, fmt in (text_formats or {}).items())
        columns = f"* replace ({formatted})" if formatted else "*"
        return self.con.execute(
            f"select {columns} from {self.contract.schema}.{table} order by {', '.join(order_by)}"
        )
