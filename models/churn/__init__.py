"""Churn risk: a scikit-learn Pipeline on service experience, usage and holdings."""
