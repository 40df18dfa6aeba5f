"""The forecast model: a scikit-learn pipeline of gradient-boosted trees with a Poisson
loss (arrivals are counts) over the calendar and level features of features.py."""

from __future__ import annotations

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


def fit(features: pd.DataFrame, offered_calls: pd.Series) -> Pipeline:  # features of features.frame
    """Train on intervals that have both level features (the first weeks of history have none)."""
    usable = features["level"].notna().to_numpy()
    model = make_pipeline()
    # one OpenMP thread: on a shared machine the trees' threads wait on each other (3x slower)
    with threadpool_limits(1):
        model.fit(features.loc[usable, CATEGORICAL + NUMERIC], offered_calls.to_numpy()[usable])
    return model


def predict(model: Pipeline, features: pd.DataFrame) -> pd.Series:
    with threadpool_limits(1):
        return pd.Series(model.predict(features[CATEGORICAL + NUMERIC]), index=features.index).clip(lower=0)
