"""The dbt project also builds on Apache Spark (docs/scale-out.md).

The hand-made raw fixture is built in DuckDB exactly as for the DuckDB tests and written
as Parquet the way ingestion writes it (ingestion/parquet.py: a folder per raw table, a
file per batch); the real `dbt build` then runs with HUB_WAREHOUSE_ENGINE=spark (dbt-spark's
session method: a local Spark 4 inside dbt's process, its raw sources the Parquet folders).
Every model and data test must pass, and each mart must hold, row for row, what the DuckDB
build of the same fixture holds. Spark's tables are Parquet files under its warehouse
folder, read back here with DuckDB (starting a second JVM to read them would only cost time).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.parquet import export_raw
from tests.transforms.conftest import UNSCORED, query, run_dbt
from tests.transforms.raw_fixture import build_fixture_warehouse
from tests.transforms.test_dbt_build import MART_KEYS

# a JVM and a whole dbt build: `make test-scale`; one worker builds once for the module
pytestmark = [pytest.mark.scale, pytest.mark.xdist_group("spark_build")]


def spark_env(work_dir: Path, parquet: Path) -> dict[str, str]:
    """The configuration that selects the Spark target (transforms/profiles.yml), with a
    small local Spark: 2 cores, 1 GB driver, 2 shuffle partitions, no UI."""
    return {
        "HUB_WAREHOUSE_ENGINE": "spark",
        "HUB_SPARK_DIR": str(work_dir / "spark"),
        "HUB_RAW_PARQUET_DIR": str(parquet),
        "HUB_SPARK_CORES": "2",
        "HUB_SPARK_DRIVER_MEMORY": "1g",
        "HUB_SPARK_SHUFFLE_PARTITIONS": "2",
    }


# Views have no files of their own: a short pyspark run over the same metastore writes what
# each view selects as Parquet, for DuckDB to read like the tables.
_WRITE_VIEWS = """
import sys
from pyspark.sql import SparkSession
spark_dir, out, *views = sys.argv[1:]
spark = (SparkSession.builder.master("local[1]").enableHiveSupport()
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
         .config("spark.sql.session.timeZone", "UTC").config("spark.sql.timestampType", "TIMESTAMP_NTZ")
         .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
         .config("spark.sql.warehouse.dir", spark_dir + "/warehouse")
         .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                 "jdbc:derby:;databaseName=" + spark_dir + "/metastore_db;create=true")
         .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + spark_dir)
         .getOrCreate())
for name in views:
    spark.table(name).write.mode("overwrite").parquet(out + "/" + name)
spark.stop()
"""


def write_views(work_dir: Path, views: list[str]) -> Path:
    out = work_dir / "views"
    proc = subprocess.run([sys.executable, "-c", _WRITE_VIEWS, str(work_dir / "spark"), str(out), *views],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"reading the Spark views {views} failed:\n{proc.stderr[-3000:]}")
    return out


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work_dir = tmp_path_factory.mktemp("spark_build")
    warehouse = build_fixture_warehouse(work_dir / "fixture.duckdb")
    parquet = work_dir / "raw_parquet"
    written = export_raw(warehouse, parquet)
    proc = run_dbt("build", *UNSCORED, warehouse=work_dir / "unused.duckdb", work_dir=work_dir,
                   env=spark_env(work_dir, parquet), check=False)
    build = {"work_dir": work_dir, "warehouse": work_dir / "spark" / "warehouse", "written": written,
             "dbt": proc.stdout, "returncode": proc.returncode, "views": work_dir / "views"}
    if proc.returncode == 0:
        write_views(work_dir, [f"marts.{view}" for view in VIEW_MARTS])
    return build


def spark_table(build: dict, schema: str, table: str) -> str:
    """A DuckDB expression reading the Parquet files of one table Spark built (or of what a
    view of VIEW_MARTS selects, written by write_views)."""
    folder = build["warehouse"] / f"{schema}.db" / table
    if not folder.is_dir():
        folder = build["views"] / f"{schema}.{table}"
    if not folder.is_dir():
        raise AssertionError(f"Spark built no table {schema}.{table} (no folder {folder})")
    return f"read_parquet('{folder}/*.parquet')"


def _plain(value: object) -> object:
    """One Python form for a value from either engine (numeric -> float, time -> text)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


def spark_rows(build: dict, schema: str, table: str, order_by: str) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect()
    try:
        result = con.execute(f"select * from {spark_table(build, schema, table)} order by {order_by}")
        return [c[0] for c in result.description], [tuple(_plain(v) for v in row) for row in result.fetchall()]
    finally:
        con.close()


def duckdb_rows(warehouse: Path, schema: str, table: str, order_by: str) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        result = con.execute(f"select * from {schema}.{table} order by {order_by}")
        return [c[0] for c in result.description], [tuple(_plain(v) for v in row) for row in result.fetchall()]
    finally:
        con.close()


def test_raw_fixture_is_written_as_parquet_whole(spark_build: dict, built_fixture: Path) -> None:
    assert spark_build["written"]["crm__customers"] == 11
    con = duckdb.connect()
    try:
        for table, rows in spark_build["written"].items():
            assert query(built_fixture, f'select count(*) from raw."{table}"') == [(rows,)], table
            folder = spark_build["work_dir"] / "raw_parquet" / table
            assert con.execute(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchall() == [(rows,)]
    finally:
        con.close()


def test_every_model_and_test_passes_on_spark(spark_build: dict) -> None:
    summary = next((line for line in spark_build["dbt"].splitlines() if "Done. PASS=" in line), None)
    assert summary is not None, spark_build["dbt"][-6000:]
    assert "WARN=0 ERROR=0 SKIP=0" in summary, spark_build["dbt"][-6000:]
    assert spark_build["returncode"] == 0


# Marts that are views (fct_contactability: the consent rule must never lag the consents)
VIEW_MARTS = ("fct_contactability",)
# Columns that name the run that wrote a row (dbt's invocation id and start time, and the
# history key hashed from them): they differ between any two builds, whichever engine.
RUN_COLUMNS = {"invocation_id", "assigned_at", "changed_at", "history_id"}
# Marts whose Spark rows differ from DuckDB's, each with the reason (docs/scale-out.md
# "What differs"); every other mart must match row for row.
KNOWN_DIFFERENCES: dict[str, str] = {}


def duckdb_marts(warehouse: Path) -> list[str]:
    return [name for (name,) in query(warehouse, "select table_name from information_schema.tables "
                                                 "where table_schema = 'marts' order by 1")]


def comparable(columns: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in columns if name not in RUN_COLUMNS)


def mart_rows(con: duckdb.DuckDBPyConnection, relation: str, columns: str) -> list[tuple]:
    rows = con.execute(f"select {columns} from {relation} order by all").fetchall()
    return [tuple(_plain(v) for v in row) for row in rows]


def mart_differences(spark_build: dict, warehouse: Path) -> dict[str, str]:
    """Every DuckDB mart against Spark's: mart -> what differs (columns, row count, first row)."""
    differences: dict[str, str] = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for mart in duckdb_marts(warehouse):
            duck_columns = [c[0] for c in con.execute(f"select * from marts.{mart} limit 0").description]
            try:
                relation = spark_table(spark_build, "marts", mart)
                spark_columns = [c[0] for c in con.execute(f"select * from {relation} limit 0").description]
            except (AssertionError, duckdb.Error) as error:
                differences[mart] = f"not built on Spark: {error}"
                continue
            if spark_columns != duck_columns:
                differences[mart] = f"columns {spark_columns} != {duck_columns}"
                continue
            columns = comparable(duck_columns)
            spark_values, duck_values = mart_rows(con, relation, columns), mart_rows(con, f"marts.{mart}", columns)
            if spark_values != duck_values:
                first = next((i for i, (a, b) in enumerate(zip(spark_values, duck_values)) if a != b), None)
                detail = "" if first is None else f"row {first}: {spark_values[first]} != {duck_values[first]}"
                differences[mart] = f"{len(spark_values)} rows against {len(duck_values)}; {detail}"
    finally:
        con.close()
    return differences


def test_every_mart_matches_duckdb_row_for_row(spark_build: dict, built_fixture: Path) -> None:
    """Every mart DuckDB builds from the fixture, column for column and row for row (rows
    in the order of all their values), except the ones listed with their reason."""
    marts = duckdb_marts(built_fixture)
    assert {mart for mart, _ in MART_KEYS} <= set(marts)
    differences = mart_differences(spark_build, built_fixture)
    assert set(differences) == set(KNOWN_DIFFERENCES), differences


def test_views_are_the_view_marts(built_fixture: Path) -> None:
    views = query(built_fixture, "select table_name from information_schema.tables "
                                 "where table_schema = 'marts' and table_type = 'VIEW' order by 1")
    assert tuple(name for (name,) in views) == VIEW_MARTS


def test_compared_marts_hold_rows(spark_build: dict, built_fixture: Path) -> None:
    """The comparison is not of empty tables: the keyed marts of the PostgreSQL test have rows."""
    for mart, key in MART_KEYS:
        _, values = spark_rows(spark_build, "marts", mart, key)
        assert values, mart


def test_same_unified_customers(spark_build: dict, built_fixture: Path) -> None:
    con = duckdb.connect()
    try:
        relation = spark_table(spark_build, "intermediate", "int_crm_customers_resolved")
        resolved = con.execute(f"select crm_customer_id, customer_id from {relation} order by 1").fetchall()
    finally:
        con.close()
    assert resolved == query(built_fixture, "select crm_customer_id, customer_id "
                                            "from intermediate.int_crm_customers_resolved order by 1")
    assert len(resolved) == 11 and len({customer for _, customer in resolved}) == 9  # C1+C2, C7+C8 merged
