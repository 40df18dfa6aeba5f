"""Dagster definitions of the transforms domain."""
