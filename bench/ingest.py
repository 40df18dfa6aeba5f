"""Benchmark ingestion: simulate, ingest into a fresh warehouse, compare with plain DuckDB.

    .venv/bin/python bench/ingest.py --scale demo
    .venv/bin/python bench/ingest.py --scale bench --reuse   # keep already simulated files
    .venv/bin/python bench/ingest.py --data-dir D --reuse --source acd   # one source: a quick run

Prints rows/s per source, total seconds, peak RSS, and the ratio against a
baseline run in the same process: DuckDB read_csv -> CREATE TABLE of the same
files with no validation at all (the floor any ingestion is measured against).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub import warehouse  # noqa: E402
from hub.settings import Settings  # noqa: E402
from ingestion.contracts import CONTRACTS, SOURCES  # noqa: E402
from ingestion.files import discover  # noqa: E402
from ingestion.load import ingest_source  # noqa: E402


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def baseline(settings: Settings, path: Path, sources: tuple[str, ...] = SOURCES) -> tuple[float, int]:
    """Plain DuckDB: every contract's files of these sources straight into a table, errors skipped."""
    path.unlink(missing_ok=True)
    con = warehouse.connect(settings, path=path)
    started, rows = time.perf_counter(), 0
    for c in [c for c in CONTRACTS if c.source in sources]:
        files = [str(p) for p in discover(settings.landing_dir, c)]
        if not files:
            continue
        columns = "{" + ", ".join(f"'{f.name}': 'VARCHAR'" for f in c.fields) + "}"
        if c.format == "csv":
            reader = (f"read_csv({files}, header = true, columns = {columns}, auto_detect = false, "
                      "ignore_errors = true, null_padding = true)")
        else:
            reader = f"read_json({files}, format = 'newline_delimited', columns = {columns}, ignore_errors = true)"
        con.execute(f"create table {c.name} as select * from {reader}")
        rows += con.execute(f"select count(*) from {c.name}").fetchone()[0]
    con.close()
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "mid", "bench"), default="demo")
    parser.add_argument("--reuse", action="store_true", help="skip simulation when landing files exist")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: $HUB_DATA_DIR/bench-<scale>")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--source", action="append", choices=SOURCES, dest="sources",
                        help="only this source, ingest and baseline alike (repeatable; default: all)")
    args = parser.parse_args()
    sources = tuple(args.sources or SOURCES)
    data_dir = args.data_dir or Path(os.environ.get("HUB_DATA_DIR", "var")) / f"bench-{args.scale}"
    settings = Settings(data_dir=data_dir, scale=args.scale)

    if not (args.reuse and settings.landing_dir.exists()):
        from ingestion.simulator import simulate

        started = time.perf_counter()
        simulate(settings.landing_dir, settings.truth_dir, scale=args.scale, seed=args.seed, progress=True)
        print(f"simulated {args.scale} in {time.perf_counter() - started:.1f}s")
    settings.warehouse_path.unlink(missing_ok=True)
    shutil.rmtree(settings.data_dir / "duckdb_tmp", ignore_errors=True)
    size = sum(p.stat().st_size for p in settings.landing_dir.rglob("*") if p.is_file())
    print(f"landing: {size / 1024**2:,.0f} MiB in {settings.landing_dir}")

    total, rows_total, reconciles = 0.0, 0, True
    print(f"{'source':<12}{'rows read':>14}{'seconds':>10}{'rows/s':>12}")
    for source in sources:
        started = time.perf_counter()
        result = ingest_source(settings, source)
        seconds = time.perf_counter() - started
        rows = result.totals()["rows_read"]
        total += seconds
        rows_total += rows
        reconciles &= result.reconciles
        print(f"{source:<12}{rows:>14,}{seconds:>10.1f}{rows / seconds:>12,.0f}")
    ingest_rss = peak_rss_gib()
    print(f"{'all':<12}{rows_total:>14,}{total:>10.1f}{rows_total / total:>12,.0f}")
    print(f"every ledger reconciles: {reconciles}; peak RSS during ingest {ingest_rss:.2f} GiB")

    base_seconds, base_rows = baseline(settings, settings.data_dir / "baseline.duckdb", sources)
    print(f"baseline (read_csv -> create table, no validation): {base_rows:,} rows in {base_seconds:.1f}s "
          f"({base_rows / base_seconds:,.0f} rows/s)")
    print(f"ingest / baseline time ratio: {total / base_seconds:.2f}x; peak RSS overall {peak_rss_gib():.2f} GiB")
    (settings.data_dir / "baseline.duckdb").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
