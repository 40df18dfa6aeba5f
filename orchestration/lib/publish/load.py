"""Stream one serving table from the warehouse into the store being built.

Rows go through the driver's bulk path, not SQLAlchemy's per-row layer: executemany on
SQLite, COPY on PostgreSQL, in batches, so a publish holds one batch in memory whatever the
scale. SQLite has no date types: DuckDB formats dates and times as the text SQLAlchemy's
SQLite dialect writes and parses (vectorised, where a Python converter would cost 4 µs a
row). Secondary indexes are built after the load.
"""

from __future__ import annotations

import duckdb
import sqlalchemy as sa

from orchestration.lib.publish.audit import PublishRefused

BATCH_ROWS = 50_000


# strftime formats of SQLAlchemy's SQLite DATETIME and DATE storage
SQLITE_TEXT = ((sa.DateTime, "%Y-%m-%d %H:%M:%S.%f"), (sa.Date, "%Y-%m-%d"))


def text_formats(table: sa.Table, dialect: sa.Dialect) -> dict[str, str]:
    """column -> strftime format, for the columns the target store keeps as text."""
    if dialect.name != "sqlite":
        return {}
    return {c.name: fmt for c in table.columns for kind, fmt in SQLITE_TEXT if isinstance(c.type, kind)}


def load_table(rows: duckdb.DuckDBPyConnection, con: sa.Connection, table: sa.Table) -> int:
    """Create table in con, fill it from the rows cursor (dates already formatted as
    text_formats() says), index it; returns the row count."""
    columns = [d[0] for d in rows.description]
    unknown = set(columns) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"serving table {table.name}: the extract has columns {sorted(unknown)} it does not define")
    con.execute(sa.schema.CreateTable(table))
    dialect = con.dialect
    quote = dialect.identifier_preparer.quote
    target, names = quote(table.name), ", ".join(quote(c) for c in columns)
    postgres = dialect.name == "postgresql"
    insert = f"insert into {target} ({names}) values ({', '.join('?' * len(columns))})"
    cursor = con.connection.driver_connection.cursor()
    total = 0
    try:
        while batch := rows.fetchmany(BATCH_ROWS):
            if postgres:
                with cursor.copy(f"copy {target} ({names}) from stdin") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(insert, batch)
            total += len(batch)
    except dialect.loaded_dbapi.IntegrityError:
        # the driver's message may quote the duplicate value (a phone number): name only the rule
        key = ", ".join(c.name for c in table.primary_key.columns)
        raise PublishRefused(f"{table.name}.{key}: duplicate keys; the build was not published") from None
    finally:
        cursor.close()
    for index in table.indexes:
        index.create(con)
    return total

