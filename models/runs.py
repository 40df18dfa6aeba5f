"""Each model run writes its output table and one row of held-out metrics, gated by floors.

A run is published when every metric named in its floors reaches its floor: its output
replaces models.<table>. Below a floor (or a metric that could not be computed) the run is
recorded with published = false and the previous output stays. The warehouse schema
`models` is what dbt reads as sources.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

SCHEMA = "models"
RUNS_TABLE = f"{SCHEMA}.model_runs"

_CREATE_RUNS = f"""
create table if not exists {RUNS_TABLE} (
    run_id varchar primary key,
    model varchar not null,
    output_table varchar not null,
    trained_at timestamp not null,
    cutoff_date date not null,
    metrics varchar not null,
    floors varchar not null,
    published boolean not null,
    output_rows bigint not null,
    reason varchar
)
"""


@dataclass(frozen=True)
class RunResult:
    run_id: str
    model: str
    table: str
    metrics: dict[str, float]
    floors: dict[str, float]
    published: bool
    reason: str | None

    def line(self) -> str:
        shown = ", ".join(f"{k}={v:.4f}" for k, v in self.metrics.items())
        state = "published" if self.published else f"NOT published ({self.reason})"
        return f"{self.model} -> {SCHEMA}.{self.table}: {shown} [{state}]"


def below_floor(metrics: dict[str, float], floors: dict[str, float]) -> str | None:
    """Why a run may not publish, or None when every floored metric reaches its floor."""
    for name, floor in floors.items():
        value = metrics.get(name, float("nan"))
        if value is None or math.isnan(value):
            return f"{name} could not be computed"
        if value < floor:
            return f"{name} {value:.4f} < floor {floor}"
    return None


def record_run(
    con: duckdb.DuckDBPyConnection, model: str, table: str, output: pd.DataFrame, cutoff: date,
    metrics: dict[str, float], floors: dict[str, float], failure: str | None = None,
) -> RunResult:
    """Write output to models.<table> if the metrics reach their floors; always record the run.

    failure: why the model could not be trained at all (the run is recorded, nothing published).
    """
    run_id = uuid.uuid4().hex
    reason = failure or below_floor(metrics, floors)
    published = reason is None
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(_CREATE_RUNS)
    frame = output.assign(run_id=run_id)
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [SCHEMA, table]
    ).fetchall()[0][0]
    con.register("_model_output", frame)
    try:
        con.execute("begin")
        if published:
            con.execute(f"create or replace table {SCHEMA}.{table} as select * from _model_output")
        elif not exists:
            # dbt reads the table as a source: an empty one until some run publishes
            con.execute(f"create table {SCHEMA}.{table} as select * from _model_output limit 0")
        con.execute(
            f"insert into {RUNS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, model, table, datetime.now(UTC).replace(tzinfo=None), cutoff,
             json.dumps(metrics), json.dumps(floors), published, len(output), reason],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_model_output")
    return RunResult(run_id, model, table, metrics, floors, published, reason)


def latest_runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest run of each model, published or not."""
    return con.execute(
        f"select * from {RUNS_TABLE} qualify row_number() over (partition by model order by trained_at desc) = 1 "
        "order by model"
    ).df()


CEILINGS_TABLE = f"{SCHEMA}.model_ceilings"
_CREATE_CEILINGS = f"""
create table if not exists {CEILINGS_TABLE} (
    run_id varchar not null,
    model varchar not null,
    metric varchar not null,
    model_lift double,
    ceiling_lift double,
    ratio double,
    customers bigint not null,
    evaluated_at timestamp not null,
    primary key (run_id, metric)
)
"""


def record_ceilings(con: duckdb.DuckDBPyConnection, run_ids: dict[str, str], ceilings) -> int:
    """Keep each ceiling (models.evaluation.Ceiling) next to the run it measured, by run id:
    the held-out lift against the truth, the truth's own signal's lift on the same customers,
    and their ratio. Evaluation writes these, never training: the pipeline does not read the
    truth. A run evaluated again keeps its latest figures."""
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(_CREATE_CEILINGS)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [(run_ids[c.model], c.model, c.metric, c.model_lift, c.ceiling_lift, c.ratio, c.customers, now)
            for c in ceilings if c.model in run_ids]
    con.executemany(f"insert or replace into {CEILINGS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
