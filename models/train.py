"""Train, score and record each model on the warehouse: what the Dagster assets and `hub models train` call.

Each function reads the marts, writes models.<table> through models.runs.record_run (gated
by its floor from settings) and returns the run. Lifecycle reads the published churn scores.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from hub.settings import Settings
from models.churn import model as churn
from models.cross_sell import model as cross_sell
from models.features import data_end, features_at
from models.lifecycle.rules import stage
from models.runs import RunResult, record_run
from models.value import model as value

# the columns each output has, for the empty table a failed first run leaves behind
COLUMNS = {
    "churn": {"customer_id": str, "churn_risk": float, "reason_1": str, "reason_2": str, "reason_3": str},
    "value": {"customer_id": str, "expected_purchases_12m": float, "expected_spend_cny": float,
              "expected_value_12m_cny": float},
    "cross_sell": {"customer_id": str, "product": str, "propensity": float},
}
TABLES = {"churn": "churn_scores", "value": "customer_value", "cross_sell": "cross_sell_scores",
          "lifecycle": "lifecycle_stages"}


def _failed(con: duckdb.DuckDBPyConnection, model: str, marts: str, error: ValueError) -> RunResult:
    """A model that cannot train on this data (say, no outcome in a window) keeps its previous
    output: the run is recorded with the reason, and the build goes on to publish the rest."""
    empty = pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in COLUMNS[model].items()})
    return record_run(con, model, TABLES[model], empty, data_end(con, marts), {}, {}, failure=str(error))


def train_churn(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    try:
        result = churn.run(con, settings.model_horizon_days, marts)
    except ValueError as error:
        return _failed(con, "churn", marts, error)
    return record_run(con, "churn", TABLES["churn"], result.scores, result.cutoff, result.metrics,
                      {"auc": settings.model_min_churn_auc})


def train_value(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    try:
        result = value.run(con, settings.model_horizon_days, marts)
    except ValueError as error:
        return _failed(con, "value", marts, error)
    return record_run(con, "value", TABLES["value"], result.scores, result.cutoff, result.metrics,
                      {"spearman": settings.model_min_value_correlation})


def train_cross_sell(con: duckdb.DuckDBPyConnection, settings: Settings, marts: str = "marts") -> RunResult:
    try:
        result = cross_sell.run(con, settings.model_horizon_days, marts)
    except ValueError as error:
        return _failed(con, "cross_sell", marts, error)
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

