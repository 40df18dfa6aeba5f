"""Raw tables as Parquet, the engine-neutral copy of the raw schema (docs/scale-out.md).

Each raw table is a folder under the Parquet root, one file per loaded batch named after
the batch (`<root>/<raw table>/<batch id>.parquet`), with the typed contract columns and
the lineage columns exactly as in the DuckDB raw table. Spark's raw sources read these
folders (transforms/macros/spark_raw.sql); DuckDB reads them with read_parquet. A batch
written again replaces its own file, so a re-run never doubles a batch's rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ingestion.contracts import ALL_CONTRACTS, Contract

_SAFE_BATCH = re.compile(r"^[A-Za-z0-9_.-]+$")


def raw_tables() -> list[str]:
    """Every contract's raw table name without the schema (`crm__customers`)."""
    return [contract.raw_table.split(".", 1)[1] for contract in ALL_CONTRACTS]


def batch_file(root: Path, table: str, batch_id: str) -> Path:
    if not _SAFE_BATCH.match(batch_id):
        raise ValueError(f"batch id {batch_id!r} cannot name a Parquet file (letters, digits, _ . - only)")
    return root / table / f"{batch_id}.parquet"


def write_batch(con: duckdb.DuckDBPyConnection, root: Path, table: str, batch_id: str) -> int:
    """The rows batch `batch_id` loaded into raw.<table>, as its Parquet file; their count.
    A table with no rows of the batch writes no file (every table gets at least an empty
    one from write_schemas, so a reader always finds its columns)."""
    rows = con.execute(f'select count(*) from raw."{table}" where _batch_id = ?', [batch_id]).fetchone()[0]
    target = batch_file(root, table, batch_id)
    if rows == 0:
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")  # hidden: readers of the folder skip it
    con.execute(f"copy (select * from raw.\"{table}\" where _batch_id = ? order by _file, _line) "
                f"to '{_sql_path(partial)}' (format parquet)", [batch_id])
    partial.replace(target)  # readers see the whole batch file or none of it
    return rows


def write_schemas(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """An empty `columns.parquet` in every raw table's folder (no leading underscore: Spark
    skips such files): the columns and their types, so an engine reading a table no batch
    has filled yet still knows its shape."""
    for table in raw_tables():
        target = root / table / "columns.parquet"
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy (select * from raw.\"{table}\" where false) to '{_sql_path(target)}' (format parquet)")


def write_loaded_batch(con: duckdb.DuckDBPyConnection, root: Path, contracts: list[Contract], batch_id: str
                       ) -> dict[str, int]:
    """At the end of an ingest: what batch `batch_id` loaded into each contract's raw table,
    as Parquet (after the erasure tombstone has scrubbed it); rows per table."""
    write_schemas(con, root)
    return {table: write_batch(con, root, table, batch_id)
            for table in (c.raw_table.split(".", 1)[1] for c in contracts)}


def rewrite_files(con: duckdb.DuckDBPyConnection, root: Path, table: str, files: set[str]) -> int:
    """After an erasure changed rows of these landing files in raw.<table>: every batch
    holding such rows is written again, so no Parquet copy keeps what the erasure removed."""
    if not files:
        return 0
    batches = [b for (b,) in con.execute(
        f'select distinct _batch_id from raw."{table}" where _file in (select unnest(?::varchar[])) order by 1',
        [sorted(files)]).fetchall()]
    for batch in batches:
        write_batch(con, root, table, batch)
    return len(batches)


def export_raw(warehouse: Path, root: Path) -> dict[str, int]:
    """Every batch of every raw table of a DuckDB warehouse as Parquet (a first export of
    a warehouse loaded before Parquet was written, or a test fixture); rows per table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        write_schemas(con, root)
        written: dict[str, int] = {}
        for table in raw_tables():
            batches = [b for (b,) in con.execute(f'select distinct _batch_id from raw."{table}" order by 1').fetchall()]
            written[table] = sum(write_batch(con, root, table, batch) for batch in batches)
        return written
    finally:
        con.close()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
