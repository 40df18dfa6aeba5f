"""Lifecycle stage per customer: one written rule (rules.stage)."""
