"""The warehouse's raw schema: one table per contract plus the ledger tables.

Raw tables hold the typed contract columns, the normalised identifier columns
and the lineage columns; `_ledger`, `_quarantine` and `_batches` account for
every file and every row that did not load; `_warnings` lists rows that loaded
without a field; `_file_stats` records what the last fingerprint of each file saw.
"""

from __future__ import annotations

import duckdb

from hub import warehouse
from hub.settings import Settings
from ingestion.contracts import ALL_CONTRACTS, Contract, Field

SQL_TYPES = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DECIMAL(18,2)",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
}

LEDGER_DDL = """
create table if not exists raw._batches (
    batch_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    sources varchar,
    files integer,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_duplicate bigint
);
create table if not exists raw._ledger (
    batch_id varchar not null,
    source varchar not null,
    entity varchar not null,
    file varchar not null,
    content_hash varchar not null,
    encoding varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_duplicate bigint not null,
    status varchar not null,
    message varchar,
    ingested_at timestamp not null
);
-- size, modification time and content hash of every landing file as the last run saw it
-- (diagnosis only: files are recognised by their content hash, never by size and mtime)
create table if not exists raw._file_stats (
    file varchar primary key,
    size bigint not null,
    mtime_ns bigint not null,
    content_hash varchar not null
);
create table if not exists raw._quarantine (
    batch_id varchar not null,
    source varchar not null,
    entity varchar not null,
    file varchar not null,
    line bigint not null,
    field varchar,
    value varchar,
    rule varchar not null,
    message varchar not null,
    record varchar
);
-- rows that loaded but lost a field: an optional id card that failed its checks is kept
-- out of the identity graph; the value itself is never stored here
create table if not exists raw._warnings (
    batch_id varchar not null,
    source varchar not null,
    entity varchar not null,
    file varchar not null,
    line bigint not null,
    field varchar not null,
    rule varchar not null,
    message varchar not null
);
"""


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The single writer connection (hub.warehouse: the settings' limits, UTC)."""
    con = warehouse.connect(settings)
    # Line numbers come from scan order: keep it (DuckDB's default, said on purpose).
    con.execute("set preserve_insertion_order = true")
    return con


def raw_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, SQL type) of the raw table, in order: contract columns, derived ones, lineage."""
    columns: list[tuple[str, str]] = []
    for f in contract.fields:
        columns.extend(field_columns(f))
    if contract.source == "telematics" and contract.entity == "readings":
        columns.append(("reading_at", "TIMESTAMP"))
    columns += [("_file", "VARCHAR"), ("_line", "BIGINT"), ("_batch_id", "VARCHAR"), ("_ingested_at", "TIMESTAMP")]
    return columns


def field_columns(f: Field) -> list[tuple[str, str]]:
    """The raw-table columns one contract field becomes."""
    if f.normalise == "id_card":
        return [("id_card_hash", "VARCHAR")]
    columns = [(f.name, SQL_TYPES[f.type])]
    if f.normalise == "phone":
        columns += [(f"{f.name}_e164", "VARCHAR"), (f"{f.name}_kind", "VARCHAR")]
    elif f.normalise == "email":
        columns.append((f"{f.name}_normalised", "VARCHAR"))
    return columns


def ensure_schema(con: duckdb.DuckDBPyConnection, contracts: tuple[Contract, ...] = ALL_CONTRACTS) -> None:
    """Create the raw schema, the ledger tables and every contract's table if missing."""
    con.execute("create schema if not exists raw")
    con.execute(LEDGER_DDL)
    # Physical-line accounting (lines = header + rows read + blank), added to older warehouses in place.
    for column in ("lines_physical", "lines_header", "lines_blank"):
        con.execute(f"alter table raw._ledger add column if not exists {column} bigint")
    for c in contracts:
        cols = ",\n    ".join(f"{quote(name)} {sql_type}" for name, sql_type in raw_columns(c))
        con.execute(f"create table if not exists {c.raw_table} (\n    {cols}\n)")
        for name, sql_type in raw_columns(c):  # a field added to a contract since the table was made
            con.execute(f"alter table {c.raw_table} add column if not exists {quote(name)} {sql_type}")


def quote(name: str) -> str:
    """A SQL identifier, quoted (contract names such as `value` are keywords)."""
    return '"' + name.replace('"', '""') + '"'
