"""Run suites with Great Expectations over frames the warehouse aggregated.

Why GE's pandas datasource over aggregated frames, not its SQL datasource on DuckDB: GE
reaches SQL through SQLAlchemy, which for DuckDB needs the third-party duckdb-engine
dialect that GE does not test against; the frames are small by construction, so pandas is
both the supported path and cheap. Why an ephemeral context: suites are code in this
package and results go into Dagster's check metadata, so there is no GE state worth
keeping on disk and nothing for two runs to contend over.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import duckdb
import pandas as pd

from orchestration.lib.quality.suite import Failure, Outcome, Rule, Suite, table_exists


def _class_name(expectation: str) -> str:
    return "".join(part.capitalize() for part in expectation.split("_"))


@lru_cache(maxsize=1)
def _context():
    # Imported here: great_expectations takes ~10 s to import, which loading the code
    # location (webserver, sensors, tests) must not pay.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("hub_quality").add_dataframe_asset("frame")
    return gx, context, asset.add_batch_definition_whole_dataframe("whole_frame")


def _expectation(gx: Any, spec: Rule):
    cls = getattr(gx.expectations, _class_name(spec.expectation), None)
    if cls is None:
        raise ValueError(f"unknown Great Expectations expectation {spec.expectation!r} in a quality rule")
    return cls(**spec.kwargs)


def _observed(result: Any) -> Any:
    details = result.result or {}
    if "observed_value" in details:
        value = details["observed_value"]
    elif "unexpected_count" in details:
        value = {
            "unexpected": details.get("unexpected_count"),
            "of": details.get("element_count"),
            "examples": list(details.get("partial_unexpected_list") or [])[:5],
        }
    else:
        value = None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def validate(frame: pd.DataFrame, rules: Sequence[Rule], name: str) -> tuple[bool, tuple[Failure, ...]]:
    """Validate one frame against rules; the failures name expectation, column, value and rule."""
    gx, context, batch_definition = _context()
    suite = gx.ExpectationSuite(name=name, expectations=[_expectation(gx, spec) for spec in rules])
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    report = batch.validate(suite)
    failures = []
    for spec, result in zip(rules, report.results, strict=True):
        if not result.success:
            failures.append(
                Failure(
                    expectation=spec.expectation,
                    column=spec.kwargs.get("column"),
                    observed=_observed(result),
                    rule=spec.why or ", ".join(f"{k}={v}" for k, v in spec.kwargs.items()),
                )
            )
    return report.success, tuple(failures)


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite, build_id: str) -> Outcome:
    if not table_exists(con, suite.table):
        missing = Failure("table_exists", None, None, f"{suite.table} must exist in the warehouse before {suite.name} runs")
        return Outcome(suite.name, suite.table, False, suite.blocking, 0, (missing,))
    frame = suite.frame(con, build_id)
    passed, failures = validate(frame, suite.rules, f"{suite.table}.{suite.name}")
    observed = frame.iloc[0].to_dict() if len(frame) == 1 else {"rows": len(frame)}
    return Outcome(
        suite=suite.name,
        table=suite.table,
        passed=passed,
        blocking=suite.blocking,
        rows_in_frame=len(frame),
        failures=failures,
        observed={k: _plain(v) for k, v in observed.items()},
    )


def run_suites(con: duckdb.DuckDBPyConnection, suites: Iterable[Suite], build_id: str) -> list[Outcome]:
    return [run_suite(con, suite, build_id) for suite in suites]


def _plain(value: Any) -> Any:
    """A value Dagster metadata accepts: numbers, text, None."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)
