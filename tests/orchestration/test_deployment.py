"""Dagster as a deployment runs it: run, event and schedule storage in PostgreSQL and the
multiprocess executor, through the real `hub build` (docs/orchestration.md "Deployment")."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from tests.conftest import HUB, ROOT
from tests.postgres import fresh_database

pytestmark = [pytest.mark.slow, pytest.mark.scale]


@pytest.fixture
def dagster_database(postgres_url: str) -> str:
    """A database of its own, as a psycopg2 URL (what dagster-postgres speaks)."""
    return fresh_database(postgres_url, "dagster").replace("postgresql+psycopg://", "postgresql+psycopg2://")


def test_build_runs_each_step_in_its_own_process_with_postgres_storage(
    built_demo: Path, tmp_path: Path, dagster_database: str
) -> None:
    data_dir = tmp_path / "var"
    shutil.copytree(built_demo / "landing" / "crm", data_dir / "landing" / "crm")
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_DAGSTER_STORAGE_URL": dagster_database,
           "HUB_DAGSTER_EXECUTOR": "multiprocess"}
    env.pop("DAGSTER_HOME", None)

    proc = subprocess.run([str(HUB), "build", "--select", 'key:"raw/crm__*"'], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "succeeded" in proc.stdout

    # the instance's storage is PostgreSQL: no SQLite run or event files, the password-free
    # dagster.yaml names the variable, not the URL
    home = data_dir / "dagster"
    assert not list(home.rglob("*.db")), list(home.rglob("*.db"))
    assert "env: HUB_DAGSTER_STORAGE_URL" in (home / "dagster.yaml").read_text()
    engine = sa.create_engine(dagster_database)
    with engine.connect() as conn:
        runs = conn.execute(sa.text("select run_id, status from runs")).all()
        assert [status for _, status in runs] == ["SUCCESS"]
        run_id = runs[0][0]
        materialised = conn.execute(sa.text(
            "select count(*) from event_logs where run_id = :run and dagster_event_type = 'ASSET_MATERIALIZATION'"
        ), {"run": run_id}).scalar_one()
        # each step reported its own worker process, none of them the run's
        workers = conn.execute(sa.text(
            "select step_key, event from event_logs where run_id = :run and dagster_event_type = 'STEP_WORKER_STARTED'"
        ), {"run": run_id}).all()
        run_pid = conn.execute(sa.text(
            "select event from event_logs where run_id = :run and dagster_event_type = :start"
        ), {"run": run_id, "start": dg.DagsterEventType.RUN_START.value}).scalar_one()
    engine.dispose()
    assert materialised == 7  # the CRM contracts' raw tables
    steps = {step for step, _ in workers}
    assert steps == {"ingest_crm", "raw_quality_gate"}
    pids = {_pid(event) for _, event in workers}
    assert len(pids) == 2 and _pid(run_pid) not in pids


def _pid(serialized_event: str) -> int:
    return dg.deserialize_value(serialized_event).dagster_event.pid
