"""The publish step's own audit: what a build must satisfy before consumers see it.

The marts' quality gate (Dagster blocking checks) runs first; these checks are about the
serving copy itself, and a failure raises before the swap, so nothing is published.
"""

from __future__ import annotations

from collections.abc import Mapping


class PublishRefused(RuntimeError):
    """The build failed its audit; the served store was left as it was."""


def audit(tables: Mapping[str, list[dict]]) -> list[str]:
    """Every broken rule of the serving copy, as 'table.field: what' lines (empty when fine)."""
    failures: list[str] = []
    customers = {row["customer_id"] for row in tables["customers"]}
    if not customers:
        failures.append("customers: no rows; an empty profile store would blank every screen-pop")
    resolvable = customers | {row["alias_id"] for row in tables["customer_aliases"]}
    for table, field in (("caller_ids", "customer_id"), ("crm_customers", "customer_id")):
        dangling = sum(1 for row in tables[table] if row[field] not in resolvable)
        if dangling:
            failures.append(f"{table}.{field}: {dangling} rows name a customer that is not published")
    targets = sum(1 for row in tables["customer_aliases"] if row["customer_id"] not in customers)
    if targets:
        failures.append(f"customer_aliases.customer_id: {targets} aliases point to no published customer")
    for table, key in (("customers", "customer_id"), ("caller_ids", "phone_e164"), ("vehicles", "vin")):
        keys = [row[key] for row in tables[table]]
        if len(keys) != len(set(keys)):
            failures.append(f"{table}.{key}: {len(keys) - len(set(keys))} duplicate keys")
    return failures
