"""Dagster definitions of the quality domain."""
