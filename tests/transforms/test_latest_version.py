"""Staging keeps a key's latest version: within one load, the later file's row wins, whatever
its line number (two versions of a vehicle sent in two files of one batch)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"


def test_the_later_file_of_one_load_wins(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        con.execute("""create table raw.crm__vehicles (vin varchar, model_code varchar, model_name varchar,
            build_batch varchar, build_date date, engine_type varchar, route_type varchar,
            _file varchar, _line bigint, _batch_id varchar, _ingested_at timestamp)""")
        con.execute("""insert into raw.crm__vehicles values
            ('LFWSRXSJ7RA076498', 'J6P', 'old', 'J6P-2412', '2024-12-01', 'diesel', 'long',
             'crm/vehicles_20260301.csv', 90, 'b1', '2026-03-02 00:00:00'),
            ('LFWSRXSJ7RA076498', 'J6P', 'new', 'J6P-2412', '2024-12-01', 'diesel', 'long',
             'crm/vehicles_20260302.csv', 2, 'b1', '2026-03-02 00:00:00')""")
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    env = {**os.environ, "HUB_WAREHOUSE_PATH": str(warehouse), "HUB_DBT_TARGET": "duckdb"}
    proc = subprocess.run(
        [dbt, "run", "--select", "stg_crm__vehicles", "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path), "--profiles-dir", str(TRANSFORMS), "--project-dir", str(TRANSFORMS), "--quiet"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select model_name from staging.stg_crm__vehicles").fetchall() == [("new",)]
