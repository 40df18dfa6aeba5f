"""Benchmark the build: a full build, then one day's delta, beside a hand-written floor.

    .venv/bin/python bench/build.py --data-dir D               # D holds landing/ of `hub simulate`
    .venv/bin/python bench/build.py --data-dir D --reuse-raw   # D's warehouse from bench/ingest.py
    .venv/bin/python bench/build.py --data-dir D --reuse-raw --select group:raw \
        --select 'key:"staging/stg_ticketing__work_orders"'   # a quick run of the bench itself

The newest day's landing files are held back and the rest ingested into a new warehouse
(timed apart: bench/ingest.py measures ingestion); `hub build --full-refresh` (the Dagster
job: raw gate, dbt build, mart gate, publish) then builds everything; the held-back day is
put back and an incremental `hub build` takes it in, its ingestion included. Both print
seconds per step and per dbt layer, and peak memory (this process and dbt's subprocess).

The floor is a hand-written DuckDB script computing the main marts (calls rolled up from
legs, work orders with stage times, vehicle-days from readings and events, a profile per
CRM customer) from the same raw tables in the same run, with no tests, no identity graph,
no incremental logic and no quality gate: what the hardware needs for the heavy lifting.
The ratio build / floor is printed. The data dir's warehouse is rebuilt from scratch.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dagster as dg  # noqa: E402

from hub import warehouse  # noqa: E402
from hub.calendar import UTC_OFFSET_HOURS  # noqa: E402
from hub.settings import Settings  # noqa: E402

DAY = re.compile(r"_(\d{8})")


def peak_gib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child (dbt), GiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    return own, child


def hold_back_newest_day(landing: Path, held: Path) -> str:
    """Move every landing file of the newest day aside; returns that day (YYYYMMDD)."""
    days = {m.group(1) for p in landing.rglob("*") if p.is_file() and (m := DAY.search(p.name))}
    newest = max(days)
    for path in [p for p in landing.rglob(f"*_{newest}*") if p.is_file()]:
        target = held / path.relative_to(landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    return newest


# what dbt builds from the data in the warehouse (transforms/dbt_project.yml), besides raw; the
# seeds (schema reference) stay: a full build reloads them anyway, and a run of a selection
# without them still finds the vocabulary its models' tests read
DBT_SCHEMAS = ("staging", "intermediate", "marts", "serving")


def rewind(settings: Settings, held: Path) -> int:
    """Take the held-back files out of an ingested warehouse, by their lineage (`_file`).

    Their rows, ledger lines and quarantine rows go, so the warehouse is what ingesting
    every other file gives, and the held files count as new when they are put back. The
    quality gate's row-count history and everything dbt built go too (the identity registry
    keeps state across full refreshes and has seen the held-back records): the full build
    after a rewind is a first build.
    """
    from ingestion.contracts import CONTRACTS
    from orchestration.lib.quality.history import HISTORY_TABLE, ensure_history

    names: dict[str, list[str]] = defaultdict(list)
    for path in held.rglob("*"):
        if path.is_file():
            names[path.relative_to(held).parts[0]].append(path.name)
    removed = 0
    with warehouse.connect(settings) as con:
        for contract in CONTRACTS:
            files = names.get(contract.source, [])
            removed += con.execute(f"delete from {contract.raw_table} where _file in (select unnest(?))", [files]).fetchone()[0]
        for source, files in names.items():
            for table in ("raw._ledger", "raw._quarantine"):
                con.execute(f"delete from {table} where source = ? and file in (select unnest(?))", [source, files])
        ensure_history(con)
        con.execute(f"delete from {HISTORY_TABLE}")
        for schema in DBT_SCHEMAS:
            con.execute(f"drop schema if exists {schema} cascade")
    return removed


def put_back(landing: Path, held: Path) -> int:
    moved = 0
    for path in [p for p in held.rglob("*") if p.is_file()]:
        target = landing / path.relative_to(held)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        # a file the sensor or `hub ingest` would see as new: modified now
        os.utime(target)
        moved += 1
    return moved


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            seconds[event.step_key] = entry.timestamp - started.get(event.step_key, entry.timestamp)
    return seconds


def dbt_layer_seconds(settings: Settings, run_id: str) -> dict[str, float]:
    """Seconds per dbt layer (staging, intermediate, marts, tests), from the run_results.json
    of each dbt op of the run."""
    from orchestration.lib.dbt_project import dbt_run_results

    layers: dict[str, float] = defaultdict(float)
    for result in dbt_run_results(settings, run_id):
        uid = result["unique_id"]
        kind = uid.split(".")[0]
        if kind == "model":
            name = uid.split(".")[-1]
            layer = "staging" if name.startswith("stg_") else "intermediate" if name.startswith("int_") else "marts"
        else:
            layer = kind + "s"
        layers[layer] += result["execution_time"]
    return dict(layers)


def run(label: str, full_refresh: bool, select: list[str] | None = None) -> tuple[float, str]:
    from orchestration.cli import quiet_dagster_logs
    from orchestration.definitions import defs
    from orchestration.defs.pipeline.jobs import build_run_config
    from orchestration.lib.build import run_build

    instance = dg.DagsterInstance.get()
    config = {**build_run_config(full_refresh), **quiet_dagster_logs()}
    started = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        summary = run_build(defs, instance, config, select=select, tags={"hub/build": label})
    seconds = time.perf_counter() - started
    if not summary.ok:
        print(summary.describe())
        raise SystemExit(f"{label} build failed")
    return seconds, summary.run_id


def report(label: str, seconds: float, run_id: str, settings: Settings) -> None:
    instance = dg.DagsterInstance.get()
    print(f"\n{label}: {seconds:,.1f} s")
    for step, s in sorted(step_seconds(instance, run_id).items(), key=lambda kv: -kv[1]):
        print(f"  step {step:<28}{s:>9.1f} s")
    try:
        layers = dbt_layer_seconds(settings, run_id)
    except FileNotFoundError:  # a --select without dbt models
        layers = {}
        print("  dbt: not run (no dbt model in the selection)")
    for layer, s in sorted(layers.items(), key=lambda kv: -kv[1]):
        print(f"  dbt {layer:<29}{s:>9.1f} s (summed over models; dbt runs {settings.duckdb_threads} threads)")
    own, child = peak_gib()
    print(f"  peak RSS so far: this process {own:.2f} GiB, largest child (dbt) {child:.2f} GiB")


FLOOR = f"""
create or replace schema bench_floor;
create table bench_floor.fct_calls as
select call_id, count(*) as legs, min(started_at) as started_at, max(ended_at) as ended_at,
       min(enqueued_at) as enqueued_at, min(answered_at) as answered_at,
       sum(talk_seconds + hold_seconds + wrapup_seconds) as handle_seconds,
       arg_min(ani_e164, leg_no) as ani_e164, arg_max(queue, leg_no) as final_queue,
       p.customer_id
from raw.acd__call_legs l
left join (select phone_e164, min(customer_id) as customer_id from raw.crm__phones group by 1) p
  on p.phone_e164 = l.ani_e164
group by call_id, p.customer_id;
create table bench_floor.fct_work_order_stages as
select work_order_id, stage, stage_at,
       lead(stage_at) over (partition by work_order_id order by seq) - stage_at as time_in_stage
from raw.ticketing__transitions;
create table bench_floor.fct_work_orders as
select w.work_order_id, any_value(w.customer_id) as customer_id, any_value(w.sla_hours) as sla_hours,
       count(*) as transitions, max(t.stage_at) filter (where t.stage = 'resolved') as resolved_at
from raw.ticketing__work_orders w join raw.ticketing__transitions t using (work_order_id)
group by w.work_order_id;
create table bench_floor.fct_telematics_daily as
with deltas as (
    select vin, (reading_at + interval {UTC_OFFSET_HOURS} hours)::date as day, speed_kmh,
           odometer_km - lag(odometer_km) over w as km, engine_hours - lag(engine_hours) over w as hours
    from raw.telematics__readings window w as (partition by vin order by reading_ts)
), events as (
    select vin, (event_at + interval {UTC_OFFSET_HOURS} hours)::date as day,
           count(*) filter (where event_type = 'harsh_braking') as harsh_braking,
           count(*) filter (where event_type = 'fault_raised') as faults
    from raw.telematics__events group by 1, 2
)
select d.vin, d.day, sum(km) as km, sum(hours) as hours, max(speed_kmh) as max_speed,
       any_value(e.harsh_braking) as harsh_braking, any_value(e.faults) as faults
from deltas d left join events e using (vin, day) group by 1, 2;
create table bench_floor.customer_profile as
select c.customer_id, any_value(c.name) as name, count(distinct p.phone_e164) as phones,
       (select count(*) from bench_floor.fct_calls f where f.customer_id = c.customer_id) as calls
from raw.crm__customers c left join raw.crm__phones p using (customer_id)
group by c.customer_id;
"""


def floor(settings: Settings) -> float:
    started = time.perf_counter()
    with warehouse.connect(settings) as con:
        con.execute(FLOOR)
        con.execute("drop schema bench_floor cascade")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a data dir holding landing/ from `hub simulate`")
    parser.add_argument("--reuse-raw", action="store_true",
                        help="start from the warehouse bench/ingest.py left: rewind its newest day instead of re-ingesting")
    parser.add_argument("--select", action="append",
                        help="only these assets, in Dagster's selection syntax as for `hub build --select` (repeatable): "
                             "a quick run of the bench itself; the figures then cover the selection only")
    args = parser.parse_args()
    os.environ["HUB_DATA_DIR"] = str(args.data_dir.resolve())
    settings = Settings(data_dir=args.data_dir.resolve())
    from orchestration.lib.environment import ensure_dagster_home

    ensure_dagster_home(settings)
    shutil.rmtree(settings.data_dir / "dbt", ignore_errors=True)

    held = settings.data_dir / "held_back"
    # files an interrupted run held back go home first: nothing a bench run moves is lost
    put_back(settings.landing_dir, held)
    day = hold_back_newest_day(settings.landing_dir, held)
    try:
        if args.reuse_raw and settings.warehouse_path.exists():
            print(f"rewound {rewind(settings, held):,} raw rows of {day} out of the ingested warehouse")
        else:
            from ingestion.load import ingest

            settings.warehouse_path.unlink(missing_ok=True)
            started = time.perf_counter()
            loaded = ingest(settings)
            print(f"ingest of all days but {day}: {loaded.totals()['rows_read']:,} rows in "
                  f"{time.perf_counter() - started:,.1f} s (not part of the build below)")
        full_seconds, full_run = run("full", full_refresh=True, select=args.select)
    finally:
        files = put_back(settings.landing_dir, held)
    report(f"full build (all days but {day})", full_seconds, full_run, settings)

    delta_seconds, delta_run = run("delta", full_refresh=False, select=args.select)
    report(f"incremental build of one day ({day}, {files} files)", delta_seconds, delta_run, settings)

    floor_seconds = floor(settings)
    print(f"\nfloor (hand-written DuckDB, main marts over all days): {floor_seconds:,.1f} s")
    dbt_seconds = step_seconds(dg.DagsterInstance.get(), full_run).get("cs_hub_dbt", full_seconds)
    print(f"full dbt step / floor: {dbt_seconds / floor_seconds:.2f}x; whole full build / floor: "
          f"{full_seconds / floor_seconds:.2f}x")
    own, child = peak_gib()
    print(f"peak RSS: this process {own:.2f} GiB, largest child (dbt) {child:.2f} GiB")


if __name__ == "__main__":
    main()
