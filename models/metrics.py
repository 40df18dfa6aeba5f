"""Held-out metrics shared by the models: ranking (AUC, lift) and calibration."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score


def lift_at(y_true, score, share: float = 0.1) -> float:
    """Positive rate among the top `share` by score over the overall positive rate."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(score, dtype=float)
    if y.sum() == 0:
        return float("nan")
    top = np.argsort(-s, kind="stable")[: max(1, int(round(len(s) * share)))]
    return float(y[top].mean() / y.mean())


def calibration_error(y_true, probability, bins: int = 10) -> float:
    """Expected calibration error: |mean predicted - observed rate| over equal-count bins, weighted."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(probability, dtype=float)
    order = np.argsort(p, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            error += len(chunk) * abs(p[chunk].mean() - y[chunk].mean())
    return float(error / len(y))


def classification_metrics(y_true, probability) -> dict[str, float]:
    y = np.asarray(y_true, dtype=float)
    auc = float(roc_auc_score(y, probability)) if 0 < y.sum() < len(y) else float("nan")
    return {
        "auc": auc,
        "lift_top_decile": lift_at(y, probability, 0.1),
        "brier": float(brier_score_loss(y, probability)) if len(y) else float("nan"),
        "calibration_error": calibration_error(y, probability),
        "positives": float(y.sum()),
        "rows": float(len(y)),
    }
