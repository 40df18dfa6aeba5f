"""Reusable machinery behind the Dagster definitions: plain functions testable without Dagster."""
