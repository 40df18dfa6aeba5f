"""Arrival forecast on a warehouse's history: held-out WAPE/MAPE against seasonal-naive,
and the time it takes.

    .venv/bin/python bench/forecast.py --warehouse var/warehouse.duckdb
    .venv/bin/python bench/forecast.py --warehouse /tmp/bench-lead/warehouse.duckdb --from-calls

The warehouse is opened read-only. With --from-calls the queue-interval history is derived
from marts.fct_calls and staging.stg_acd__call_legs by the rules of int_calls_measured /
fct_queue_intervals (inbound calls that reached a queue, first queue, 30-minute bucket of
the first queue entry), into memory: for a warehouse built before those marts existed.
Printed: the evaluation (models/forecast/evaluate.py), seconds for the model's rolling
evaluation and for seasonal-naive alone, and the ratio model WAPE / seasonal-naive WAPE.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub import warehouse  # noqa: E402
from hub.settings import get_settings  # noqa: E402
from models.forecast.evaluate import Scores, evaluate  # noqa: E402
from models.forecast.features import LOCAL_OFFSET, load_history  # noqa: E402

FROM_CALLS = """
create table intervals as
with entries as (
    select call_id, min(enqueued_at) as enqueued_at from w.staging.stg_acd__call_legs group by call_id
),
offered as (
    select calls.first_queue_name as queue_name, entries.enqueued_at, calls.is_answered,
        case when calls.is_answered then calls.handle_seconds else 0 end as handle_seconds
    from w.marts.fct_calls calls
    join entries using (call_id)
    where calls.call_direction = 'inbound' and calls.is_offered
)
select queue_name,
    date_trunc('hour', enqueued_at) + case when minute(enqueued_at) >= 30 then interval 30 minute
        else interval 0 minute end as interval_start_at,
    count(*) as offered_calls,
    sum(case when is_answered then 1 else 0 end) as answered_calls,
    sum(handle_seconds) as handle_seconds
from offered
group by all
"""


def seasonal_naive_only(history: pd.DataFrame, weeks: int) -> Scores:
    """The baseline by itself over the same held-out weeks: the cost floor of a forecast."""
    local_day = (history["interval_start_at"] + LOCAL_OFFSET).dt.normalize()
    first = local_day.max() - pd.Timedelta(days=7 * weeks - 1)
    held = history[local_day >= first]
    previous = history.set_index(["queue_name", "interval_start_at"])["offered_calls"]
    keys = pd.MultiIndex.from_arrays([held["queue_name"], held["interval_start_at"] - pd.Timedelta(days=7)])
    return Scores.of(held["offered_calls"].to_numpy(float), previous.reindex(keys).fillna(0).to_numpy(float))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--from-calls", action="store_true")
    args = parser.parse_args()
    settings = get_settings()

    started = time.perf_counter()
    if args.from_calls:
        # an in-memory database of its own (not the warehouse), with the warehouse's limits
        con = duckdb.connect(config={"memory_limit": settings.duckdb_memory_limit, "threads": settings.duckdb_threads})
        con.execute(f"attach '{args.warehouse}' as w (read_only)")
        con.execute(FROM_CALLS)
        history = load_history(con, "intervals")
    else:
        con = warehouse.connect(settings, read_only=True, path=args.warehouse)
        history = load_history(con)
    con.close()
    loaded = time.perf_counter() - started
    print(f"history: {len(history):,} queue-intervals, {int(history['offered_calls'].sum()):,} calls, "
          f"{history['queue_name'].nunique()} queues ({loaded:.1f} s to load)")

    started = time.perf_counter()
    naive = seasonal_naive_only(history, args.weeks)
    naive_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluate(history, args.weeks)
    model_seconds = time.perf_counter() - started
    for line in result.lines():
        print(line)
    assert abs(naive.wape - result.baseline.wape) < 1e-12, "the baseline differs from the evaluation's"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds: model (fit + forecast, {args.weeks} rolling weeks) {model_seconds:.1f}, "
          f"seasonal-naive {naive_seconds:.2f}; peak memory {peak:,.0f} MiB")
    print(f"ratio model WAPE / seasonal-naive WAPE: {result.model.wape / result.baseline.wape:.3f}")


if __name__ == "__main__":
    main()
