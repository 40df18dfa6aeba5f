"""The dbt project also builds on PostgreSQL (docs/transforms.md "Running on PostgreSQL").

The hand-made raw fixture is built in DuckDB exactly as for the DuckDB tests, copied
table by table into schema raw of a throwaway PostgreSQL 15 database, and the real
`dbt build --target postgres` runs on it: every model and data test must pass, and the
marts must hold, value for value, what the DuckDB build of the same fixture holds. A
second batch then takes the incremental paths (registry, facts) on PostgreSQL too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.transforms.conftest import UNSCORED, query, run_dbt
from tests.transforms.raw_fixture import build_fixture_warehouse, create_raw_schema, insert, merging_batch
from tests.transforms.test_dbt_build import MART_KEYS, MARTS

# one worker builds once and runs every test of the module
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgres_build")]

DATABASE = "transforms_build"

# DuckDB column types of the raw schema (ingestion, tests/transforms/raw_fixture.py) -> PostgreSQL
_PG_TYPES = {
    "VARCHAR": "varchar",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
}


def _pg_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    if duckdb_type not in _PG_TYPES:
        raise KeyError(f"raw column type {duckdb_type!r} has no PostgreSQL counterpart in _PG_TYPES")
    return _PG_TYPES[duckdb_type]


def copy_raw_tables(warehouse: Path, pg: psycopg.Connection, create: bool) -> dict[str, int]:
    """Every raw.* table of the DuckDB file into schema raw of `pg` with COPY: same column
    names, compatible types (created first when `create`), same rows. Tables are ANALYZEd,
    as a loader must, so the first models are planned on true row counts."""
    source = duckdb.connect(str(warehouse), read_only=True)
    copied: dict[str, int] = {}
    try:
        tables = [name for (name,) in source.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by table_name"
        ).fetchall()]
        with pg.cursor() as cur:
            cur.execute("create schema if not exists raw")
            for table in tables:
                columns = source.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                target = sql.Identifier("raw", table)
                if create:
                    cur.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_pg_type(kind))) for name, kind in columns
                    )))
                names = sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns)
                rows = source.execute(f'select * from raw."{table}"').fetchall()
                with cur.copy(sql.SQL("copy {} ({}) from stdin").format(target, names)) as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(sql.SQL("analyze {}").format(target))
                copied[table] = len(rows)
        pg.commit()
    finally:
        source.close()
    return copied


def _plain(value: object) -> object:
    """One Python form for a value read from either database (numeric -> float, time -> text)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


def _dbt_postgres(server: dict, work_dir: Path) -> str:
    """`dbt build --target postgres` on the test database; its stdout. (run_dbt's warehouse
    only sets HUB_WAREHOUSE_PATH, which the postgres target does not read.)"""
    env = {
        "HUB_PG_HOST": server["host"],
        "HUB_PG_PORT": str(server["port"]),
        "HUB_PG_USER": server["user"],
        "HUB_PG_PASSWORD": "",
        "HUB_PG_DATABASE": DATABASE,
        "HUB_PG_THREADS": "2",
    }
    unused = work_dir / "unused.duckdb"
    return run_dbt("build", *UNSCORED, "--target", "postgres", warehouse=unused, work_dir=work_dir, env=env).stdout


@pytest.fixture(scope="module")
def postgres_build(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A database of its own on the session's server, the raw fixture copied in, built."""
    url = make_url(postgres_url)
    server = {"host": url.host, "port": url.port, "user": url.username}
    with psycopg.connect(**server, dbname=url.database, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(DATABASE)))
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    work_dir = tmp_path_factory.mktemp("postgres_build")
    # not raw.duckdb: DuckDB names the catalog after the file, and "raw" would shadow the schema
    warehouse = build_fixture_warehouse(work_dir / "fixture.duckdb")
    with psycopg.connect(**server, dbname=DATABASE) as pg:
        copied = copy_raw_tables(warehouse, pg, create=True)
        stdout = _dbt_postgres(server, work_dir)
        yield {"pg": pg, "server": server, "work_dir": work_dir, "copied": copied, "dbt": stdout}


def pg_query(build: dict, statement: str) -> list[tuple]:
    with build["pg"].cursor() as cur:
        return cur.execute(statement).fetchall()


def test_raw_fixture_is_copied_whole(postgres_build: dict, built_fixture: Path) -> None:
    assert postgres_build["copied"]["crm__customers"] == 11
    for table, rows in postgres_build["copied"].items():
        assert query(built_fixture, f'select count(*) from raw."{table}"') == [(rows,)], table
        assert pg_query(postgres_build, f'select count(*) from raw."{table}"') == [(rows,)], table


def test_every_model_and_test_passes(postgres_build: dict) -> None:
    summary = next(line for line in postgres_build["dbt"].splitlines() if "Done. PASS=" in line)
    assert "WARN=0 ERROR=0 SKIP=0" in summary, summary
    tables = {name for (name,) in pg_query(
        postgres_build, "select table_name from information_schema.tables where table_schema = 'marts'"
    )}
    assert set(MARTS) <= tables


@pytest.mark.parametrize("mart", MARTS)
def test_mart_row_counts_match_duckdb(postgres_build: dict, built_fixture: Path, mart: str) -> None:
    statement = f"select count(*) from marts.{mart}"
    assert pg_query(postgres_build, statement) == query(built_fixture, statement)


def test_same_unified_customers(postgres_build: dict, built_fixture: Path) -> None:
    statement = "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved order by 1"
    resolved = pg_query(postgres_build, statement)
    assert resolved == query(built_fixture, statement)
    assert len(resolved) == 11 and len({customer for _, customer in resolved}) == 9  # C1+C2, C7+C8 merged


@pytest.mark.parametrize(("mart", "key"), MART_KEYS)
def test_mart_rows_match_duckdb(postgres_build: dict, built_fixture: Path, mart: str, key: str) -> None:
    """Column for column, the same values: the portable SQL means the same on both."""
    statement = f"select * from marts.{mart} order by {key}"
    with postgres_build["pg"].cursor() as cur:
        cur.execute(statement)
        pg_columns = [column.name for column in cur.description]
        pg_rows = [tuple(_plain(v) for v in row) for row in cur.fetchall()]
    con = duckdb.connect(str(built_fixture), read_only=True)
    try:
        result = con.execute(statement)
        duck_columns = [column[0] for column in result.description]
        duck_rows = [tuple(_plain(v) for v in row) for row in result.fetchall()]
    finally:
        con.close()
    assert pg_columns == duck_columns
    assert pg_rows == duck_rows and pg_rows


def test_incremental_build_merges_on_postgres(postgres_build: dict) -> None:
    """A later batch links C11 to C10: the incremental registry keeps the older id, the
    other becomes an alias, incremental facts re-run, and every test still passes."""
    before = dict(pg_query(postgres_build, "select crm_customer_id, customer_id from "
                                           "intermediate.int_crm_customers_resolved"))
    batch = postgres_build["work_dir"] / "batch.duckdb"
    con = duckdb.connect(str(batch))
    try:
        create_raw_schema(con)
        for table, rows in merging_batch().items():
            insert(con, table, rows, batch="b2")
    finally:
        con.close()
    copy_raw_tables(batch, postgres_build["pg"], create=False)
    stdout = _dbt_postgres(postgres_build["server"], postgres_build["work_dir"])
    summary = next(line for line in stdout.splitlines() if "Done. PASS=" in line)
    assert "WARN=0 ERROR=0 SKIP=0" in summary, summary

    after = dict(pg_query(postgres_build, "select crm_customer_id, customer_id from "
                                          "intermediate.int_crm_customers_resolved"))
    assert after["C10"] == after["C11"] == before["C10"]
    assert {k: v for k, v in after.items() if k != "C11"} == {k: v for k, v in before.items() if k != "C11"}
    assert pg_query(postgres_build, "select alias_id, customer_id from marts.customer_aliases") == [
        (before["C11"], before["C10"])
    ]
    assert pg_query(postgres_build, "select from_customer_id, to_customer_id, change_kind "
                                    "from marts.customer_id_history") == [(before["C11"], before["C10"], "merged")]
    assert pg_query(postgres_build, "select count(*) from marts.dim_customers") == [(9,)]  # 8 customers + unknown
