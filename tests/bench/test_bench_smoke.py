"""Every bench/ script at its smallest: run as a subprocess, it exits 0 and prints its
figures and its ratio against the baseline measured in the same run. Speed is not asserted
(bench scale is for bench runs, never the suite); these only keep the scripts from silently
breaking. The scripts that need a built demo read the shared one (read-only) or a copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import measure
from hub.settings import Settings
from tests.api.conftest import publish_fixture
from tests.conftest import ROOT

NUMBER = r"[\d,]+(?:\.\d+)?"


def bench(script: str, *args: str, data_dir: Path | None = None, timeout: int = 300) -> str:
    env = {**os.environ, **({"HUB_DATA_DIR": str(data_dir)} if data_dir else {})}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"bench/{script} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def copy_demo(built_demo: Path, target: Path, *parts: str) -> Path:
    """A copy of the built demo's data dir, or of some of its parts (a script writes there)."""
    if not parts:
        shutil.copytree(built_demo, target, ignore=shutil.ignore_patterns("*.lock", "*.wal"))
        return target
    for part in parts:
        source = built_demo / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def fixture_marts(tmp_path: Path) -> Settings:
    """A serving store published from the hand-made fixture marts (tests/publish/marts.py)."""
    return publish_fixture(Settings(data_dir=tmp_path / "var"))


def test_measure_helpers_measure() -> None:
    # bench/measure.py is a library of the scripts (no command of its own): checked directly
    assert measure.percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 3.0
    assert measure.percentile([5.0], 0.99) == 5.0
    assert measure.cpu_seconds(os.getpid()) > 0
    assert 0 < measure.free_port() < 65_536


def test_api_bench(fixture_marts: Settings) -> None:
    out = bench("api.py", "--rate", "40", "--seconds", "1", "--clients", "1", "--workers", "1",
                "--in-process-runs", "20", data_dir=fixture_marts.data_dir)
    assert re.search(rf"screen-pop by phone: {NUMBER} requests in {NUMBER} s = {NUMBER} req/s .*, 0 failed", out), out
    assert re.search(rf"API latency ms: p50 {NUMBER}", out) and "baseline raw SQLite lookup ms" in out, out
    assert re.search(rf"ratio API p50 / raw SQLite p50: {NUMBER}x", out), out
    assert "executor graphql-core" in out and "executor precompiled" in out, out
    assert re.search(rf"ratio API CPU per request, precompiled / graphql-core: {NUMBER}x", out), out
    assert re.search(rf"request thread .* ratio precompiled / graphql-core: {NUMBER}x", out), out


@pytest.mark.scale  # needs PostgreSQL and npm's PostGraphile (make test-scale installs it); under 60 s
def test_api_bench_against_postgraphile(fixture_marts: Settings) -> None:
    assert (ROOT / "bench/postgraphile/node_modules/.bin/postgraphile").exists(), \
        "PostGraphile is not installed: run `make bench-postgraphile-install`"
    out = bench("api.py", "--rate", "40", "--seconds", "1", "--clients", "1", "--workers", "1",
                "--executor", "precompiled", "--postgraphile", data_dir=fixture_marts.data_dir)
    # "0 failed": every PostGraphile answer named a customer and carried no errors
    for name in ("hub", "PostGraphile"):
        assert re.search(rf"{name} over the PostgreSQL serving store: {NUMBER} requests .*, 0 failed", out), out
        assert re.search(rf"CPU per request ms: {name} {NUMBER} \+ PostgreSQL {NUMBER} = {NUMBER}", out), out
    assert re.search(rf"answers compared .*: {NUMBER} numbers, 0 differ", out), out
    assert re.search(rf"ratio hub / PostGraphile: CPU per request \(with PostgreSQL's\) {NUMBER}x, "
                     rf"p50 from the schedule {NUMBER}x, p99 from the schedule {NUMBER}x", out), out


def test_writeback_bench(fixture_marts: Settings) -> None:
    out = bench("writeback.py", "--seconds", "1", "--connections", "2", "--clients", "1", "--workers", "1",
                "--baseline", "50", data_dir=fixture_marts.data_dir)
    assert re.search(rf"write-back mutations: {NUMBER} in 1 s = {NUMBER} mutations/s, 0 failed", out), out
    assert "baseline, SQLAlchemy insert + durable commit per event" in out, out
    assert re.search(rf"ratio API mutations/s / one-commit-per-event inserts/s: {NUMBER}x", out), out


def test_fuzz_api_bench() -> None:
    # a fuzzer, not a timing: its figures are the answers per role and the problems (none)
    out = bench("fuzz_api.py", "--examples", "10")
    assert re.search(r"role\s+sent\s+200\s+400\s+problems", out), out
    assert re.search(rf"{NUMBER} requests in {NUMBER} s; 0 problems", out), out


def test_forecast_bench(built_demo: Path) -> None:
    out = bench("forecast.py", "--warehouse", str(built_demo / "warehouse.duckdb"), "--weeks", "1")
    assert re.search(rf"history: {NUMBER} queue-intervals", out), out
    assert re.search(rf"seconds: model \(fit \+ forecast, 1 rolling weeks\) {NUMBER}", out), out
    assert re.search(rf"ratio model WAPE / seasonal-naive WAPE: {NUMBER}", out), out


def test_models_bench(built_demo: Path, tmp_path: Path) -> None:
    out = bench("models.py", "--warehouse", str(built_demo / "warehouse.duckdb"), "--work", str(tmp_path / "work"),
                "--model", "churn")
    assert re.search(rf"baseline: features of {NUMBER} customers", out), out
    assert re.search(rf"{NUMBER} s = {NUMBER} x baseline", out), out
    assert "peak memory" in out, out


def test_ingest_bench(built_demo: Path, tmp_path: Path) -> None:
    data_dir = copy_demo(built_demo, tmp_path / "var", "landing")
    out = bench("ingest.py", "--data-dir", str(data_dir), "--reuse", "--source", "ticketing")
    assert re.search(rf"ticketing\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}", out), out
    assert "every ledger reconciles: True" in out, out
    assert re.search(rf"ingest / baseline time ratio: {NUMBER}x", out), out


@pytest.mark.scale
def test_build_bench(built_demo: Path, tmp_path: Path) -> None:
    # one staging model over the raw tables: the whole script (hold back a day, rewind, full
    # build, put back, incremental build, dbt timings, the floor) on a fraction of the work
    data_dir = copy_demo(built_demo, tmp_path / "var")
    out = bench("build.py", "--data-dir", str(data_dir), "--reuse-raw",
                "--select", "group:raw", "--select", 'key:"staging/stg_ticketing__work_orders"')
    assert re.search(rf"rewound {NUMBER} raw rows of \d{{8}}", out), out
    assert re.search(rf"full build \(all days but \d{{8}}\): {NUMBER} s", out), out
    assert re.search(rf"incremental build of one day \(\d{{8}}, [1-9]\d* files\): {NUMBER} s", out), out
    assert re.search(rf"dbt staging\s+{NUMBER} s", out), out
    assert re.search(rf"full dbt step / floor: {NUMBER}x; whole full build / floor: {NUMBER}x", out), out


@pytest.mark.scale
def test_engines_bench(tmp_path: Path) -> None:
    # the hand-made raw fixture and one staging model: both engines' builds (a JVM for Spark),
    # the Parquet copy, the per-layer table and the ratio, on a fraction of the work
    from tests.transforms.raw_fixture import build_fixture_warehouse

    warehouse = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    out = bench("engines.py", "--warehouse", str(warehouse), "--work-dir", str(tmp_path / "engines"),
                "--select", "stg_crm__customers")
    assert re.search(rf"raw rows: {NUMBER} \(copy {NUMBER} s; written as Parquet in {NUMBER} s\)", out), out
    assert re.search(rf"staging \(node s\)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}x", out), out
    assert re.search(rf"peak memory \(MB\)\s+{NUMBER}\s+{NUMBER}", out), out
    assert re.search(rf"ratio spark/duckdb \(dbt build wall time\): {NUMBER}", out), out
