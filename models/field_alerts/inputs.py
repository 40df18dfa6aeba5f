"""What the early warning reads from the warehouse marts, as day-by-cell arrays.

A batch cell is one vehicle model's build batch; exposure of a batch on a day is the
number of its vehicles in service that day (vehicle-days), failures are counted per
batch, component and day from marts.fct_component_failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

# the days anything was reported: the same period as marts.fct_failure_exposure_weekly
_PERIOD = """
    select min(reported_date), max(reported_date) from (
        select created_date as reported_date from marts.fct_work_orders
        union all
        select failure_date from marts.fct_component_failures
    ) as reported
"""
_BATCHES = """
    select model_code, build_batch, min(build_month) as build_month, in_service_from, count(*) as vehicles
    from marts.dim_field_vehicles
    group by model_code, build_batch, in_service_from
"""
_FAILURES = """
    select failure_id, vin, model_code, build_batch, component, failure_date
    from marts.fct_component_failures
    where failure_date between ? and ?
"""
_COMPONENTS = "select distinct component from reference.fault_codes order by component"


@dataclass
class FieldData:
    start: date
    end: date
    components: list[str]
    batches: pd.DataFrame  # one row per batch: model_code, build_batch, build_month (index = batch number)
    exposure: np.ndarray  # [batch, day] vehicles in service
    failures: np.ndarray  # [batch, component, day] failures first reported that day
    failure_rows: pd.DataFrame  # the failures themselves, for evidence

    @property
    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")

    def model_codes(self) -> np.ndarray:
        return self.batches["model_code"].to_numpy()


def load_field_data(con: duckdb.DuckDBPyConnection) -> FieldData:
    start, end = con.execute(_PERIOD).fetchone()
    if start is None:
        raise ValueError("marts.fct_work_orders is empty: nothing to watch; build the warehouse first")
    days = pd.date_range(start, end, freq="D")
    groups = con.execute(_BATCHES).df()
    batches = (
        groups.groupby(["model_code", "build_batch"], as_index=False)["build_month"].min()
        .sort_values(["model_code", "build_batch"]).reset_index(drop=True)
    )
    number = {(m, b): i for i, (m, b) in enumerate(zip(batches["model_code"], batches["build_batch"], strict=True))}
    exposure = np.zeros((len(batches), len(days)), dtype=np.float64)
    first_day = np.clip((pd.to_datetime(groups["in_service_from"]) - days[0]).dt.days.to_numpy(), 0, len(days))
    rows = np.array([number[k] for k in zip(groups["model_code"], groups["build_batch"], strict=True)], dtype=np.int64)
    starts = np.zeros((len(batches), len(days) + 1))
    np.add.at(starts, (rows, first_day), groups["vehicles"].to_numpy())
    exposure[:] = np.cumsum(starts, axis=1)[:, : len(days)]
    components = [r[0] for r in con.execute(_COMPONENTS).fetchall()]
    failure_rows = con.execute(_FAILURES, [start, end]).df()
    counts = np.zeros((len(batches), len(components), len(days)), dtype=np.float64)
    if len(failure_rows):
        b = np.array([number[k] for k in zip(failure_rows["model_code"], failure_rows["build_batch"], strict=True)])
        c = failure_rows["component"].map({name: i for i, name in enumerate(components)}).to_numpy()
        d = (pd.to_datetime(failure_rows["failure_date"]) - days[0]).dt.days.to_numpy()
        np.add.at(counts, (b, c, d), 1)
    return FieldData(start, end, components, batches, exposure, counts, failure_rows)
