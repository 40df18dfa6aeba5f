"""Train, score and record each model on the warehouse: what the Dagster assets and `hub models train` call.

Each function reads the marts, writes models.<table> through models.runs.record_run (gated
by its floor from settings) and returns the run. Lifecycle reads the published churn scores.
"""

from __future__ import annotations

import duckdb

from hub.settings import Settings
from models.churn import model as churn
from models.cross_sell import model as cross_sell
from models.features import data_end, features_at
from models.lifecycle.rules import stage
from models.runs import RunResult, record_run
from models.value import model as value

TABLES = {"churn": "churn_scores", "value": "customer_value", "cross_sell": "cross_sell_scores",
          "lifecycle": "lifecycle_stages"}


def train_churn(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    result = churn.run(con, settings.model_horizon_days, marts)
    return record_run(con, "churn", TABLES["churn"], result.scores, result.cutoff, result.metrics,
                      {"auc": settings.model_min_churn_auc})


def train_value(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    result = value.run(con, settings.model_horizon_days, marts)
    return record_run(con, "value", TABLES["value"], result.scores, result.cutoff, result.metrics,
                      {"spearman": settings.model_min_value_correlation})


def train_cross_sell(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    result = cross_sell.run(con, settings.model_horizon_days, marts)
    return record_run(con, "cross_sell", TABLES["cross_sell"], result.scores, result.cutoff, result.metrics,
                      {"mean_auc": settings.model_min_cross_sell_auc})


def train_lifecycle(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    """The rule needs no training: it is applied to today's features and the published churn risk."""
    today = data_end(con, marts)
    features = features_at(con, today, marts)
    risk = con.execute(f"select customer_id, churn_risk from models.{TABLES['churn']}").df()
    stages = stage(features, risk.set_index("customer_id")["churn_risk"])
    output = stages.rename_axis("customer_id").reset_index()
    shares = {f"share_{s}": float((stages == s).mean()) for s in sorted(stages.unique())}
    return record_run(con, "lifecycle", TABLES["lifecycle"], output, today, shares, {})


def train_all(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> list[RunResult]:
    return [train_churn(con, settings, marts), train_lifecycle(con, settings, marts),
            train_value(con, settings, marts), train_cross_sell(con, settings, marts)]

