"""Read the resolved cases from the warehouse, fit the index, write it to schema `models`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from hub import warehouse as hub_warehouse
from hub.settings import get_settings
from models.similar_cases.index import CaseIndex, fit_index

CASES = """
    select work_order_id, component, fault_code, fault_description, resolution, created_at, resolved_at
    from marts.fct_resolved_cases
"""


def load_cases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(CASES).df()


def write_index(con: duckdb.DuckDBPyConnection, index: CaseIndex) -> dict[str, int]:
    frames = {"similar_case_terms": index.term_rows(), "similar_case_idf": index.idf_rows()}
    con.execute("create schema if not exists models")
    con.execute("begin")
    try:
        for name, frame in frames.items():
            con.register("_frame", frame)
            columns = "cast(term as varchar) as term, " + (
                "cast(work_order_id as varchar) as work_order_id, cast(weight as double) as weight"
                if name == "similar_case_terms" else "cast(idf as double) as idf")
            con.execute(f"create or replace table models.{name} as select {columns} from _frame")
            con.unregister("_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {name: len(frame) for name, frame in frames.items()}


def run(warehouse: Path) -> dict[str, int]:
    with hub_warehouse.connect(get_settings(), path=warehouse) as con:
        return write_index(con, fit_index(load_cases(con)))
