"""The publish step's own audit: what a build must satisfy before consumers see it.

The marts' quality gate (Dagster blocking checks) runs first; these checks read the
serving copy just written, before it is swapped in, so a failure publishes nothing.
Duplicate keys cannot be written at all: the tables' primary keys refuse them.
"""

from __future__ import annotations

import sqlalchemy as sa


class PublishRefused(RuntimeError):
    """The build failed its audit; the served store was left as it was."""


# tables whose customer_id must name a published customer or an alias of one
RESOLVING = ("caller_ids", "crm_customers")


def audit(con: sa.Connection) -> list[str]:
    """Every broken rule of the serving copy, as 'table.field: what' lines (empty when fine)."""
    failures: list[str] = []
    if not con.exec_driver_sql("select exists (select 1 from customers)").scalar():
        failures.append("customers: no rows; an empty profile store would blank every screen-pop")
    for table in RESOLVING:
        dangling = con.exec_driver_sql(f"""select count(*) from {table} t
            where not exists (select 1 from customers p where p.customer_id = t.customer_id)
            and not exists (select 1 from customer_aliases a where a.alias_id = t.customer_id)""").scalar()
        if dangling:
            failures.append(f"{table}.customer_id: {dangling} rows name a customer that is not published")
    targets = con.exec_driver_sql("""select count(*) from customer_aliases a
        where not exists (select 1 from customers p where p.customer_id = a.customer_id)""").scalar()
    if targets:
        failures.append(f"customer_aliases.customer_id: {targets} aliases point to no published customer")
    return failures
