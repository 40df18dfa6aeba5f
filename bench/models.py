"""Train every model on a built warehouse and print held-out metrics, seconds and peak memory.

    .venv/bin/python bench/models.py --warehouse /tmp/bench-lead/warehouse.duckdb \
        --truth /tmp/bench-lead/truth --work /tmp/models-bench

The source warehouse is opened read-only: the marts the models read (and the identity map
the evaluation needs) are copied into a work warehouse of their own, where the models write.
Prints, per model, its run line (in-data backtest metrics, published or not), its seconds and
the ratio to the baseline measured in this process: building the feature table once at the
cut-off (the SQL every model starts from). Then the outputs against the simulator's truth.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub import warehouse  # noqa: E402
from hub.settings import Settings  # noqa: E402
from models import train  # noqa: E402
from models.evaluation import truth_report  # noqa: E402
from models.features import data_end, features_at  # noqa: E402

MARTS = ("dim_customers", "dim_vehicles", "dim_vehicle_ownerships", "fct_calls", "fct_work_orders",
         "fct_telematics_daily", "fct_purchases")


TRAINERS = {"churn": train.train_churn, "lifecycle": train.train_lifecycle, "value": train.train_value,
            "cross_sell": train.train_cross_sell}


def copy_marts(settings: Settings, source: Path) -> None:
    settings.warehouse_path.unlink(missing_ok=True)
    with warehouse.connect(settings) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        con.execute("create schema marts; create schema intermediate")
        for mart in MARTS:
            con.execute(f"create table marts.{mart} as select * from src.marts.{mart}")
        con.execute("create table intermediate.int_crm_customers_resolved as "
                    "select crm_customer_id, customer_id from src.intermediate.int_crm_customers_resolved")
        con.execute("detach src")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/models-bench"))
    parser.add_argument("--model", action="append", choices=sorted(TRAINERS), dest="models",
                        help="only this model (repeatable; default: all)")
    args = parser.parse_args()
    trainers = [TRAINERS[name] for name in (args.models or TRAINERS)]
    if args.truth and args.models:
        parser.error("--truth scores every model's output: leave out --model")
    args.work.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=args.work)
    started = time.perf_counter()
    copy_marts(settings, args.warehouse)
    print(f"copied the marts in {time.perf_counter() - started:.1f} s")

    with warehouse.connect(settings) as con:
        today = data_end(con)
        started = time.perf_counter()
        rows = len(features_at(con, today))
        baseline = time.perf_counter() - started
        print(f"baseline: features of {rows:,} customers at {today} in {baseline:.1f} s")
        for trainer in trainers:
            started = time.perf_counter()
            run = trainer(con, settings)
            seconds = time.perf_counter() - started
            print(f"{run.line()}\n  {seconds:.1f} s = {seconds / baseline:.1f} x baseline")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"peak memory {peak:.2f} GiB")
        if args.truth:
            for line in truth_report(con, args.truth):
                print(line)


if __name__ == "__main__":
    main()
