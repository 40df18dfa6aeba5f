"""Running the real dbt project against a warehouse file of the test's own."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSFORMS = ROOT / "transforms"
DBT = Path(sys.executable).parent / "dbt"
# Marts tagged `scored` read the models' output tables (schema `models`), which only the
# Dagster model assets write: a dbt-only build leaves them out, as `cs_hub_dbt` does.
UNSCORED = ("--exclude", "tag:scored")


def run_dbt(
    *args: str, warehouse: Path, work_dir: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` in transforms/ on this warehouse; target and logs stay in work_dir so
    parallel tests never share dbt's state files. `env` adds variables (the PostgreSQL
    target reads its connection from HUB_PG_*)."""
    full_env = {
        **os.environ,
        "HUB_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    if args and args[0] == "build" and not {"--select", "-s", "--exclude"} & set(args):
        args = (*args, *UNSCORED)
    proc = subprocess.run(
        [str(DBT), *args, "--profiles-dir", "."], cwd=TRANSFORMS, env=full_env, capture_output=True, text=True, timeout=900
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} exited {proc.returncode}\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made raw fixture, built with `dbt build` (models and tests) once per test
    run: pytest-xdist workers share one copy, the first one builds it under a file lock."""
    from tests.transforms.raw_fixture import build_fixture_warehouse

    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp sits in the run's own directory: share that one
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "transforms_fixture"
    shared.mkdir(exist_ok=True)
    warehouse = shared / "warehouse.duckdb"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "built").exists():
            warehouse.unlink(missing_ok=True)
            build_fixture_warehouse(warehouse)
            run_dbt("build", *UNSCORED, warehouse=warehouse, work_dir=shared)
            (shared / "built").touch()
    return warehouse
