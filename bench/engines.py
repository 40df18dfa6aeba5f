"""The dbt project on DuckDB and on Spark local, from the same raw data: seconds per step,
peak memory, and the ratio Spark / DuckDB (docs/scale-out.md).

    .venv/bin/python bench/engines.py --warehouse var/warehouse.duckdb --work-dir /tmp/engines

The raw schema of the given DuckDB warehouse (any warehouse `hub ingest` loaded) is copied
into a fresh DuckDB file and written as Parquet the way ingestion writes it for Spark
(ingestion/parquet.py); then the same `dbt build` (unscored models, their tests, seeds) runs
on each engine in its own subprocess: DuckDB on the copy, Spark (dbt-spark's session method,
a local JVM inside dbt's process) on the Parquet. Peak memory is the largest resident set of
dbt's process tree (the JVM included), sampled every 0.2 s. Seconds per layer are summed
over the nodes of that layer from dbt's run_results.json (threads overlap, so the layers add
up to more than the wall time). The DuckDB build in the same run is the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from ingestion.parquet import export_raw, raw_tables  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"
LAYERS = ("seed", "staging", "intermediate", "marts", "data test", "unit test")


def copy_raw(source: Path, target: Path) -> int:
    """The raw tables of `source` (one per contract; not the ledger) alone into a new DuckDB
    file; rows copied."""
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{source}' as source (read_only)")
        con.execute("create schema raw")
        rows = 0
        for table in raw_tables():
            con.execute(f'create table raw."{table}" as select * from source.raw."{table}"')
            rows += con.execute(f'select count(*) from raw."{table}"').fetchone()[0]
        return rows
    finally:
        con.close()


def _tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        each = stack.pop()
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{each}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def run_dbt(env: dict[str, str], work_dir: Path, select: list[str]) -> dict:
    """One `dbt build` in a subprocess: wall seconds, peak tree RSS, summary, seconds per layer."""
    target = work_dir / "target"
    full_env = {**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(work_dir / "logs"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **env}
    # a selection keeps only the tests whose every parent is selected (no test of a model left out)
    chosen = ["--select", *select, "--indirect-selection", "cautious"] if select else []
    args = [str(DBT), "build", "--profiles-dir", ".", *chosen, "--exclude", "tag:scored"]
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT / "transforms", env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_bytes(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    output = proc.stdout.read()
    summary = next((line.split("Done. ", 1)[1] for line in output.splitlines() if "Done. PASS=" in line), None)
    if proc.returncode != 0 or summary is None:
        raise SystemExit(f"dbt build ({env.get('HUB_WAREHOUSE_ENGINE')}) exited {proc.returncode}\n{output[-4000:]}")
    return {"seconds": seconds, "peak_bytes": peak, "summary": summary, "layers": layer_seconds(target)}


def layer_seconds(target: Path) -> dict[str, float]:
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    results = json.loads((target / "run_results.json").read_text())["results"]
    layers: dict[str, float] = defaultdict(float)
    for result in results:
        node = manifest.get(result["unique_id"], {})
        kind = node.get("resource_type", result["unique_id"].split(".")[0])
        if kind == "model":
            kind = node["original_file_path"].split("/")[1]  # models/<layer>/...
        elif kind == "test":
            kind = "data test"
        elif kind == "unit_test":
            kind = "unit test"
        layers[kind] += result["execution_time"]
    return layers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a DuckDB warehouse with a loaded raw schema")
    parser.add_argument("--work-dir", type=Path, required=True, help="emptied, then holds both builds")
    parser.add_argument("--select", action="append", default=[], help="dbt selection (default: everything unscored)")
    parser.add_argument("--spark-memory", default="1g", help="Spark driver memory (default 1g)")
    args = parser.parse_args()

    work = args.work_dir.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    rows = copy_raw(args.warehouse.resolve(), work / "warehouse.duckdb")
    copy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = sum(export_raw(work / "warehouse.duckdb", work / "raw_parquet").values())
    parquet_seconds = time.perf_counter() - started
    if written != rows:
        raise SystemExit(f"Parquet holds {written} raw rows, the warehouse {rows}")

    duck = run_dbt({"HUB_WAREHOUSE_ENGINE": "duckdb", "HUB_WAREHOUSE_PATH": str(work / "warehouse.duckdb")},
                   work / "duckdb", args.select)
    spark = run_dbt({"HUB_WAREHOUSE_ENGINE": "spark", "HUB_SPARK_DIR": str(work / "spark"),
                     "HUB_RAW_PARQUET_DIR": str(work / "raw_parquet"), "HUB_SPARK_DRIVER_MEMORY": args.spark_memory},
                    work / "spark_run", args.select)

    print(f"raw rows: {rows:,} (copy {copy_seconds:.1f} s; written as Parquet in {parquet_seconds:.1f} s)")
    print(f"{'step':<22}{'duckdb s':>10}{'spark s':>10}{'spark/duckdb':>14}")
    for layer in LAYERS:
        d, s = duck["layers"].get(layer, 0.0), spark["layers"].get(layer, 0.0)
        ratio = f"{s / d:.1f}x" if d > 0 else "-"
        print(f"{layer + ' (node s)':<22}{d:>10.1f}{s:>10.1f}{ratio:>14}")
    print(f"{'dbt build (wall)':<22}{duck['seconds']:>10.1f}{spark['seconds']:>10.1f}"
          f"{spark['seconds'] / duck['seconds']:>13.1f}x")
    print(f"{'peak memory (MB)':<22}{duck['peak_bytes'] / 2**20:>10.0f}{spark['peak_bytes'] / 2**20:>10.0f}"
          f"{spark['peak_bytes'] / max(duck['peak_bytes'], 1):>13.1f}x")
    print(f"duckdb: {duck['summary']}")
    print(f"spark:  {spark['summary']}")
    print(f"ratio spark/duckdb (dbt build wall time): {spark['seconds'] / duck['seconds']:.2f}")


if __name__ == "__main__":
    main()
