"""The forecast model: a scikit-learn pipeline of gradient-boosted trees with a Poisson
loss (arrivals are counts) over the calendar and level features of features.py.

The trees learn calls as a multiple of the interval's `base` volume (features.py): the
target and the level features are divided by it, each interval weighted by it (a Poisson
fit with log(base) as offset), and forecasts are multiplied back. Fitted on raw counts,
trees cap a growing queue at the largest level they were trained on."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from models.forecast.features import CATEGORICAL, NUMERIC

SEED = 42


def make_pipeline() -> Pipeline:
    encode = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    trees = HistGradientBoostingRegressor(
        loss="poisson",
        learning_rate=0.1,
        max_iter=300,
        max_leaf_nodes=15,
        min_samples_leaf=200,
        l2_regularization=1.0,
        categorical_features=list(range(len(CATEGORICAL))),
        early_stopping=False,
        random_state=SEED,
    )
    return Pipeline([("encode", encode), ("trees", trees)])


MIN_BASE = 1 / 48  # a call a day: the base of a queue that was silent for a week


def _scaled(features: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    base = np.maximum(features["base"].fillna(0).to_numpy(), MIN_BASE)
    scaled = features[CATEGORICAL + NUMERIC].copy()
    for column in NUMERIC:
        scaled[column] = scaled[column] / base
    return scaled, base


def fit(features: pd.DataFrame, offered_calls: pd.Series) -> Pipeline:  # features of features.frame
    """Train on intervals that have their level features (the first weeks of history have none)."""
    usable = features[["level", "recent_level"]].notna().all(axis=1).to_numpy()
    scaled, base = _scaled(features.loc[usable])
    model = make_pipeline()
    # one OpenMP thread: on a shared machine the trees' threads wait on each other (3x slower)
    with threadpool_limits(1):
        model.fit(scaled, offered_calls.to_numpy()[usable] / base, trees__sample_weight=base)
    return model


def predict(model: Pipeline, features: pd.DataFrame) -> pd.Series:
    scaled, base = _scaled(features)
    with threadpool_limits(1):
        return pd.Series(model.predict(scaled) * base, index=features.index).clip(lower=0)
