"""Customer features and in-data outcomes at a cut-off date, shared by every model."""

from models.features.customers import FEATURES, PRODUCTS, data_end, features_at, outcomes_between

__all__ = ["FEATURES", "PRODUCTS", "data_end", "features_at", "outcomes_between"]
