"""Query: screen-pop lookup, search with cursors, the served build."""

from __future__ import annotations

from api import profiles
from api.resolvers.selection import sends_edges
from api.roles import lookup_refusal


def customer(_root, info, id=None, phone=None, vin=None, crmId=None):
    context = info.context
    refusal = lookup_refusal(context.principal.role, "customer", {"id": id, "phone": phone, "vin": vin, "crmId": crmId})
    if refusal is not None:
        raise profiles.BadArgument(refusal)
    key = profiles.lookup_key(id, phone, vin, crmId)
    row = None if key is None else profiles.find_customer(context.batch.con, *key)
    if row is not None:
        context.customers_read([row])
    else:  # a miss is audited and counted too: misses are what brute force produces
        argument = next(name for name, value in (("id", id), ("phone", phone), ("vin", vin), ("crmId", crmId))
                        if value is not None)
        context.missed.append(("customer", argument))
    return row


def search_customers(_root, info, text, first=20, after=None):
    context = info.context
    refusal = lookup_refusal(context.principal.role, "searchCustomers", {"text": text, "first": first, "after": after})
    if refusal is not None:
        raise profiles.BadArgument(refusal)
    rows, has_next = profiles.search(context.batch.con, text, first, after)
    if not rows:
        context.missed.append(("searchCustomers", "text"))
    if sends_edges(info):  # audited only when the profiles go out, not for a bare pageInfo
        context.customers_read(rows)
    edges = [{"cursor": profiles.encode_cursor(row["id"]), "node": row} for row in rows]
    return {"edges": edges, "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}}


def serving_build(_root, info):
    return profiles.serving_build(info.context.batch.con)


RESOLVERS = {
    ("Query", "customer"): customer,
    ("Query", "searchCustomers"): search_customers,
    ("Query", "servingBuild"): serving_build,
}
