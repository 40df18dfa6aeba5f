"""Each KPI formula once (hub/kpis.py): dbt's marts, the API and Superset's dataset metrics
read the same registry, and on the built demo all three give the same numbers."""

from __future__ import annotations

import importlib.util
import math
import sqlite3
from pathlib import Path

import duckdb
import httpx
import pytest
from typer.testing import CliRunner

from api.keys import create_key
from api.ops import ops_engine
from hub import kpis
from hub.cli import app
from hub.settings import Settings
from tests.api.conftest import serving
from tests.conftest import ROOT

KPIS = """query($from: Date!, $to: Date!) {
  kpis(from: $from, to: $to, grain: DAY) {
    queue date serviceLevel { value } abandonRate { value } averageSpeedOfAnswer { value }
    averageHandleTime { value } occupancy { value } firstContactResolution { value } csat { value }
  }
}"""
# mart (warehouse) -> (served table, the key columns both share)
GRAINS = {
    "fct_queue_days": ("queue_days", ("queue_name", "call_date")),
    "fct_work_order_days": ("work_order_days", ("region_office", "work_order_category", "work_order_priority",
                                                 "activity_date")),
    "fct_region_workload": ("region_workload", ("region_office",)),
}


def superset_datasets() -> dict:
    spec = importlib.util.spec_from_file_location("hub_superset_dashboards_kpis", ROOT / "superset" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DATASETS


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


def test_the_dbt_macro_is_written_from_the_registry() -> None:
    assert kpis.MACRO_PATH.read_text(encoding="utf-8") == kpis.macro_text(), (
        "transforms/macros/kpis.sql differs from hub/kpis.py: run `hub kpis --write-macro`")
    listed = CliRunner().invoke(app, ["kpis"]).output.splitlines()
    assert len(listed) == len(kpis.KPIS) and listed[0].startswith("service_level = answered_within_service_level_calls")


def test_every_registry_kpi_is_a_superset_metric_and_the_api_serves_the_queue_kpis() -> None:
    metrics = {name for (_sql, _columns, _time, m) in superset_datasets().values() for name in m}
    assert set(kpis.KPIS) <= metrics
    sdl = (ROOT / "api" / "schema" / "kpis.graphql").read_text(encoding="utf-8")
    assert all(f"  {k.api_field}: Ratio" in sdl for k in kpis.QUEUE_KPIS)


@pytest.mark.slow
def test_dbt_the_api_and_superset_agree_on_the_demo(demo_copy: Path) -> None:
    datasets = superset_datasets()
    warehouse = duckdb.connect(str(demo_copy / "warehouse.duckdb"), read_only=True)
    served = sqlite3.connect(demo_copy / "serving.db")
    compared = 0
    try:
        for mart, (table, key) in GRAINS.items():
            names = [k for k in kpis.KPIS if k in datasets[table][3] and k in kpis.KPIS]
            dbt = {row[:len(key)]: row[len(key):] for row in warehouse.execute(
                f"select {', '.join(key)}, {', '.join(names)} from marts.{mart}").fetchall()}
            expressions = ", ".join(datasets[table][3][name][0] for name in names)
            superset = served.execute(f"select {', '.join(key)}, {expressions} from {table} group by {', '.join(key)}")
            rows = {tuple(str(v) for v in row[:len(key)]): row[len(key):] for row in superset.fetchall()}
            dbt = {tuple(str(v) for v in k): v for k, v in dbt.items()}
            assert rows.keys() == dbt.keys() and rows, mart
            for k, values in rows.items():
                for name, ours, theirs in zip(names, values, dbt[k], strict=True):
                    assert close(ours, theirs), (mart, k, name, ours, theirs)
                    compared += 1
        first, last = served.execute("select min(call_date), max(call_date) from queue_days").fetchone()
        key = create_key(ops_engine(Settings(data_dir=demo_copy).ops_url), "executive", "kpi registry")
        with serving(Settings(data_dir=demo_copy)) as url:
            response = httpx.post(f"{url}/graphql", json={"query": KPIS, "variables": {"from": first, "to": last}},
                                  headers={"Authorization": f"Bearer {key}"}, timeout=30)
        api_rows = response.json()["data"]["kpis"]
        names = [k.name for k in kpis.QUEUE_KPIS]
        dbt = {(q, str(d)): v for q, d, *v in warehouse.execute(
            f"select queue_name, call_date, {', '.join(names)} from marts.fct_queue_days").fetchall()}
        assert len(api_rows) == len(dbt)
        for row in api_rows:
            for kpi, theirs in zip(kpis.QUEUE_KPIS, dbt[(row["queue"], row["date"])], strict=True):
                assert close(row[kpi.api_field]["value"], theirs), (row["queue"], row["date"], kpi.name)
                compared += 1
    finally:
        warehouse.close()
        served.close()
    assert compared > 1000
