"""What a quality suite is: a small frame computed in the warehouse, and GE rules over it.

dbt tests say what must hold row by row (keys, values, relationships). The suites say what
no single row can show: shares, distributions, freshness, change since the last build.
Each suite aggregates its table in DuckDB into a frame of a few hundred rows at most (one
row per day, per source, per column) and Great Expectations validates that frame, so the
gate costs one scan per table at any scale and never pulls a fact table into pandas.

Rules are declared by their GE expectation type and arguments (as in a GE suite's JSON),
so the suites read as data and Great Expectations is imported only when one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

# (warehouse connection, build id) -> the frame the rules check; the build id keys the
# row-count history so a suite can compare this build with the previous one.
FrameQuery = Callable[[duckdb.DuckDBPyConnection, str], pd.DataFrame]


def table_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """Whether "schema.table" is in the warehouse (as a table or a view)."""
    schema, _, table = relation.rpartition(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema or "main", table],
    ).fetchone()
    return bool(found and found[0])


@dataclass(frozen=True)
class Rule:
    """One Great Expectations expectation, e.g. Rule("expect_column_values_to_be_between", ...)."""

    expectation: str
    kwargs: Mapping[str, Any]
    why: str = ""


def rule(expectation: str, why: str = "", **kwargs: Any) -> Rule:
    return Rule(expectation=expectation, kwargs=kwargs, why=why)


@dataclass(frozen=True)
class Suite:
    """A named set of rules about one warehouse table.

    table is the relation ("raw.acd__call_legs", "marts.fct_calls"); blocking suites stop
    everything downstream of the table when they fail.
    """

    name: str
    table: str
    frame: FrameQuery
    rules: tuple[Rule, ...]
    blocking: bool = False
    description: str = ""


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    observed: Any
    rule: str

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        return f"{self.expectation}{where}: observed {self.observed!r}; rule: {self.rule}"


@dataclass(frozen=True)
class Outcome:
    """The result of one suite on one table."""

    suite: str
    table: str
    passed: bool
    blocking: bool
    rows_in_frame: int
    failures: tuple[Failure, ...] = ()
    observed: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        state = "passed" if self.passed else "FAILED"
        lines = [f"{self.table} {self.suite}: {state}"]
        lines += [f"  - {failure.describe()}" for failure in self.failures]
        return "\n".join(lines)
