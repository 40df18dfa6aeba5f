"""The publish step's own audit: what a build must satisfy before consumers see it.

The marts' quality gate (Dagster blocking checks) runs first; these checks read the
serving copy just written, before it is swapped in, so a failure publishes nothing.
Duplicate keys cannot be written at all: the tables' primary keys refuse them.
"""

from __future__ import annotations

import sqlalchemy as sa


class PublishRefused(RuntimeError):
    """The build failed its audit; the served store was left as it was."""


# (table.field, the rows it counts, what is wrong)
DANGLING = [
    ("caller_ids.customer_id", """select count(*) from caller_ids c
        where not exists (select 1 from customers p where p.customer_id = c.customer_id)
        and not exists (select 1 from customer_aliases a where a.alias_id = c.customer_id)""",
     "rows name a customer that is not published"),
    ("crm_customers.customer_id", """select count(*) from crm_customers c
        where not exists (select 1 from customers p where p.customer_id = c.customer_id)
        and not exists (select 1 from customer_aliases a where a.alias_id = c.customer_id)""",
     "rows name a customer that is not published"),
    ("customer_aliases.customer_id", """select count(*) from customer_aliases a
        where not exists (select 1 from customers p where p.customer_id = a.customer_id)""",
     "aliases point to no published customer"),
]


def audit(con: sa.Connection) -> list[str]:
    """Every broken rule of the serving copy, as 'table.field: what' lines (empty when fine)."""
    failures: list[str] = []
    if not con.exec_driver_sql("select exists (select 1 from customers)").scalar():
        failures.append("customers: no rows; an empty profile store would blank every screen-pop")
    for field, sql, what in DANGLING:
        count = con.exec_driver_sql(sql).scalar()
        if count:
            failures.append(f"{field}: {count} {what}")
    return failures
