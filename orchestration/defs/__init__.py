"""Dagster definitions, one folder per domain; orchestration/definitions.py assembles them."""
