"""Dagster definitions of identity resolution (the Splink matcher before dbt's identity graph)."""
