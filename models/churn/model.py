"""Churn risk and the reasons behind each score.

The pipeline cannot see churn itself (the truth is for evaluation only), so it learns
the one sign of it the exports show: a customer who sells off a large part of their fleet
(at least CHURN_SOLD_SHARE of the vehicles they held, and at least one) within the
horizon. Trained at cut-off T - 2h on what happened in [T - 2h, T - h), checked on
[T - h, T) from features at T - h (the held-out metrics of the run), then retrained at
T - h on [T - h, T) and applied to today's features.

Reasons are the features that push a customer's score up most: for the logistic model,
coefficient x standardised value, the top three with a positive push.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from models.features import data_end, features_at, outcomes_between
from models.metrics import classification_metrics

CHURN_SOLD_SHARE = 0.3
TOP_REASONS = 3
FEATURES = (
    "is_fleet", "is_key_account", "tenure_years", "vehicle_count", "vehicle_age_years", "calls_30d", "calls_90d",
    "abandoned_decayed", "low_survey_decayed", "complaint_calls_decayed", "mean_survey_score", "mean_wait_seconds",
    "repairs_decayed", "complaint_orders_decayed", "sla_breaches_90d", "low_callbacks_90d", "km_30d",
    "active_days_30d", "km_trend", "holds_extended_warranty", "holds_maintenance_package",
    "holds_telematics_subscription", "holds_financing", "purchases_365d", "days_since_purchase",
)
# what an agent reads on the screen-pop for each reason
REASON_TEXT = {
    "abandoned_decayed": "abandoned calls lately", "low_survey_decayed": "low survey scores lately",
    "complaint_calls_decayed": "calls to the complaints line", "complaint_orders_decayed": "complaint work orders",
    "sla_breaches_90d": "work orders past their SLA", "low_callbacks_90d": "unhappy work-order callbacks",
    "mean_wait_seconds": "long queue waits", "mean_survey_score": "survey scores", "repairs_decayed": "recent repairs",
    "vehicle_age_years": "ageing vehicles", "km_trend": "driving trend", "km_30d": "km driven",
    "active_days_30d": "days on the road", "calls_30d": "calls in 30 days", "calls_90d": "calls in 90 days",
    "days_since_purchase": "time since last purchase", "purchases_365d": "purchases this year",
    "vehicle_count": "fleet size", "tenure_years": "years as a customer", "is_fleet": "fleet customer",
    "is_key_account": "key account", "holds_extended_warranty": "extended warranty held",
    "holds_maintenance_package": "maintenance package held",
    "holds_telematics_subscription": "telematics subscription held", "holds_financing": "financing held",
}


def pipeline() -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=0.1, max_iter=2000))])


def labels(features: pd.DataFrame, outcomes: pd.DataFrame) -> pd.Series:
    sold = outcomes["sold_vehicles"].reindex(features.index).fillna(0)
    return (sold >= np.maximum(1, CHURN_SOLD_SHARE * features["vehicle_count"])).astype(int)


def _fit(con: duckdb.DuckDBPyConnection, cutoff: date, horizon: int, marts: str) -> Pipeline:
    train = features_at(con, cutoff, marts)
    y = labels(train, outcomes_between(con, cutoff, cutoff + timedelta(days=horizon), marts))
    if y.nunique() < 2:
        raise ValueError(f"churn: no customer sold vehicles in [{cutoff}, +{horizon} days): nothing to learn from")
    return pipeline().fit(train[list(FEATURES)], y)


def reasons(model: Pipeline, features: pd.DataFrame, top: int = TOP_REASONS) -> list[list[str]]:
    """The features that push each customer's score up most (positive pushes only)."""
    scaled = model.named_steps["scale"].transform(features[list(FEATURES)])
    push = scaled * model.named_steps["model"].coef_[0]
    order = np.argsort(-push, axis=1)[:, :top]
    return [[FEATURES[j] for j in row if push[i, j] > 0] for i, row in enumerate(order)]


@dataclass(frozen=True)
class ChurnRun:
    cutoff: date
    scores: pd.DataFrame  # customer_id, churn_risk, reason_1..3
    metrics: dict[str, float]


def run(con: duckdb.DuckDBPyConnection, horizon: int, marts: str = "marts", today: date | None = None) -> ChurnRun:
    today = today or data_end(con, marts)
    backtest = _fit(con, today - timedelta(days=2 * horizon), horizon, marts)
    held_out = features_at(con, today - timedelta(days=horizon), marts)
    y = labels(held_out, outcomes_between(con, today - timedelta(days=horizon), today, marts))
    metrics = classification_metrics(y, backtest.predict_proba(held_out[list(FEATURES)])[:, 1])

    model = _fit(con, today - timedelta(days=horizon), horizon, marts)
    now = features_at(con, today, marts)
    risk = model.predict_proba(now[list(FEATURES)])[:, 1]
    why = reasons(model, now)
    scores = pd.DataFrame({"customer_id": now.index, "churn_risk": risk})
    for k in range(TOP_REASONS):
        scores[f"reason_{k + 1}"] = [REASON_TEXT[r[k]] if len(r) > k else None for r in why]
    return ChurnRun(today, scores, metrics)
