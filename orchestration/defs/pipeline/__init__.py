"""Dagster definitions of the pipeline domain."""
