"""Cross-sell propensity per product: calibrated scikit-learn pipelines."""
