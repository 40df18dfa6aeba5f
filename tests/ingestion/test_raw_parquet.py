"""With the Spark engine configured, `hub ingest` also writes each loaded batch as Parquet
(ingestion/parquet.py, docs/scale-out.md): the same rows and lineage as the raw tables,
one file per batch, and a re-sent file adds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from hub.privacy import Identifiers
from hub.settings import Settings
from ingestion import erasure as raw_erasure
from ingestion.load import ingest
from ingestion.parquet import raw_tables
from tests.conftest import run_hub
from tests.ingestion.fixtures import hostile


def _parquet_rows(con: duckdb.DuckDBPyConnection, root: Path, table: str) -> list[tuple]:
    return con.execute(f"select * from read_parquet('{root / table}/*.parquet') order by all").fetchall()


def _raw_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f'select * from raw."{table}" order by all').fetchall()


@pytest.fixture(scope="module")
def ingested_with_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("parquet") / "var"
    hostile.write_landing(data_dir)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HUB_WAREHOUSE_ENGINE", "spark")
        env.delenv("HUB_RAW_PARQUET_DIR", raising=False)
        run_hub("ingest", "--source", "crm", data_dir=data_dir)  # one source keeps it quick
    return data_dir


def test_each_batch_is_written_with_its_lineage(ingested_with_parquet: Path) -> None:
    root = ingested_with_parquet / "raw_parquet"
    con = duckdb.connect(str(ingested_with_parquet / "warehouse.duckdb"), read_only=True)
    try:
        [(batch,)] = con.execute("select batch_id from raw._batches").fetchall()
        loaded = 0
        for table in raw_tables():
            # every table has its (empty) column file, so a reader always finds its shape
            assert (root / table / "columns.parquet").is_file(), table
            raw = _raw_rows(con, table)
            assert _parquet_rows(con, root, table) == raw, table
            assert (root / table / f"{batch}.parquet").is_file() == bool(raw), table
            loaded += len(raw)
        assert loaded > 0
        columns = [c[0] for c in con.execute(f"select * from read_parquet('{root}/crm__customers/*.parquet') "
                                             "limit 0").description]
        assert columns[-4:] == ["_file", "_line", "_batch_id", "_ingested_at"]
    finally:
        con.close()


def test_a_resent_batch_adds_no_parquet_rows(ingested_with_parquet: Path) -> None:
    root = ingested_with_parquet / "raw_parquet"
    # every file again (in process: the CLI's path was proven above): nothing new loads
    ingest(Settings(data_dir=ingested_with_parquet, warehouse_engine="spark"), ("crm",))
    con = duckdb.connect(str(ingested_with_parquet / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw._batches").fetchone()[0] == 2
        for table in raw_tables():
            assert _parquet_rows(con, root, table) == _raw_rows(con, table), table
    finally:
        con.close()


def test_parquet_is_written_only_when_configured(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).raw_parquet_root is None  # DuckDB: no copy
    assert Settings(data_dir=tmp_path, warehouse_engine="spark").raw_parquet_root == tmp_path.resolve() / "raw_parquet"
    assert Settings(data_dir=tmp_path, raw_parquet_dir=tmp_path / "p").raw_parquet_root == (tmp_path / "p").resolve()


def test_an_erasure_rewrites_the_batches_it_changed(ingested_with_parquet: Path, tmp_path: Path) -> None:
    """What an erasure scrubs from the raw tables is gone from their Parquet copies too."""
    data_dir = tmp_path / "var"
    shutil.copytree(ingested_with_parquet, data_dir)
    settings = Settings(data_dir=data_dir, warehouse_engine="spark")
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        customer, phone = con.execute("select customer_id, phone_e164 from raw.crm__phones "
                                      "where phone_e164 is not null order by all limit 1").fetchone()
        ids = Identifiers(customer_ids={customer}, crm_customer_ids={customer}, phones={phone})
        raw_erasure.erase(con, settings, ids, {customer: "ERASED-1"})
        root = settings.raw_parquet_root
        for table in raw_tables():
            assert _parquet_rows(con, root, table) == _raw_rows(con, table), table
        phones = con.execute(f"select count(*) from read_parquet('{root}/crm__phones/*.parquet') "
                             "where phone_e164 = ? or customer_id = ?", [phone, customer]).fetchone()[0]
        assert phones == 0
    finally:
        con.close()
