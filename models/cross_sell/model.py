"""Propensity to buy each after-sales product within the horizon, as calibrated probabilities.

One pipeline per product (scaled features -> logistic regression, calibrated by Platt
scaling on cross-validation folds), trained on who bought it in [T - 2h, T - h) from
features at T - 2h and checked on [T - h, T) from features at T - h (held-out AUC and
lift at 10%); then retrained on [T - h, T) and applied to today's features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from models.features import FEATURES, PRODUCTS, data_end, features_at, outcomes_between
from models.metrics import classification_metrics


def pipeline() -> CalibratedClassifierCV:
    base = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=0.3, max_iter=2000))])
    return CalibratedClassifierCV(base, method="sigmoid", cv=3)


def _fit(features: pd.DataFrame, outcomes: pd.DataFrame, product: str) -> CalibratedClassifierCV | None:
    y = outcomes[f"bought_{product}"].reindex(features.index).fillna(0).astype(int)
    if y.sum() < 3:
        return None  # too few buyers to learn from
    return pipeline().fit(features[list(FEATURES)], y)


@dataclass(frozen=True)
class CrossSellRun:
    cutoff: date
    scores: pd.DataFrame  # customer_id, product, propensity
    metrics: dict[str, float]  # <product>_auc, <product>_lift_10, mean_auc, mean_lift_10


def run(con: duckdb.DuckDBPyConnection, horizon: int, marts: str = "marts", today: date | None = None) -> CrossSellRun:
    today = today or data_end(con, marts)
    h = timedelta(days=horizon)
    train, held_out, now = (features_at(con, d, marts) for d in (today - 2 * h, today - h, today))
    past, later = outcomes_between(con, today - 2 * h, today - h, marts), outcomes_between(con, today - h, today, marts)
    metrics: dict[str, float] = {}
    frames = []
    for product in PRODUCTS:
        backtest = _fit(train, past, product)
        if backtest is not None:
            y = later[f"bought_{product}"].reindex(held_out.index).fillna(0)
            m = classification_metrics(y, backtest.predict_proba(held_out[list(FEATURES)])[:, 1])
            metrics[f"{product}_auc"], metrics[f"{product}_lift_10"] = m["auc"], m["lift_top_decile"]
        model = _fit(held_out, later, product)
        if model is not None:
            frames.append(pd.DataFrame({
                "customer_id": now.index, "product": product,
                "propensity": model.predict_proba(now[list(FEATURES)])[:, 1],
            }))
    aucs = [v for k, v in metrics.items() if k.endswith("_auc")]
    lifts = [v for k, v in metrics.items() if k.endswith("_lift_10")]
    metrics["mean_auc"] = float(np.mean(aucs)) if aucs else float("nan")
    metrics["mean_lift_10"] = float(np.mean(lifts)) if lifts else float("nan")
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"customer_id": pd.Series(dtype=str), "product": pd.Series(dtype=str), "propensity": pd.Series(dtype=float)})
    return CrossSellRun(today, scores, metrics)
