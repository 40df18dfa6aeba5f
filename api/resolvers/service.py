"""Service history (paged per customer) and a vehicle's active faults and field alerts."""

from __future__ import annotations

from api import profiles
from api.limits import LIST_SIZES


def service_history(root, info, first=20, after=None):
    rows, has_next = profiles.service_history(info.context.batch.con, root["id"], first, after)
    page = {"ids": [row["workOrderId"] for row in rows], "parts": None}
    for row in rows:  # partsUsed loads the parts of the whole page at once
        row["_page"] = page
    edges = [{"cursor": row["_cursor"], "node": row} for row in rows]
    return {"edges": edges, "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}}


def _vehicle_list(list_field: str, field: str):
    """A vehicle's rows of a list loaded for its owner (one query for every owner in the
    request), at most the list's bound in the cost check (api.limits.LIST_SIZES)."""
    bound = LIST_SIZES[field]

    def resolve(root, info):
        rows = info.context.batch.rows(list_field, root["_owner"])
        return [row for row in rows if row["_vin"] == root["vin"]][:bound]

    return resolve


def parts_used(root, info):
    page = root["_page"]
    if page["parts"] is None:
        page["parts"] = profiles.parts_used(info.context.batch.con, page["ids"])
    return page["parts"].get(root["workOrderId"], [])


RESOLVERS = {
    ("Customer", "serviceHistory"): service_history,
    ("ServiceRecord", "partsUsed"): parts_used,
    ("Vehicle", "activeFaults"): _vehicle_list("vehicleFaults", "activeFaults"),
    ("Vehicle", "openFieldAlerts"): _vehicle_list("vehicleFieldAlerts", "openFieldAlerts"),
}
