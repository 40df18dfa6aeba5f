"""Service history (paged per customer) and a vehicle's active faults and field alerts."""

from __future__ import annotations

from api import profiles
from api.limits import LIST_SIZES


def service_history(root, info, first=20, after=None):
    rows, has_next = profiles.service_history(info.context.batch.con, root["id"], first, after)
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


RESOLVERS = {
    ("Customer", "serviceHistory"): service_history,
    ("Vehicle", "activeFaults"): _vehicle_list("vehicleFaults", "activeFaults"),
    ("Vehicle", "openFieldAlerts"): _vehicle_list("vehicleFieldAlerts", "openFieldAlerts"),
}
