"""Service history (paged per customer) and a vehicle's active faults and field alerts."""

from __future__ import annotations

from api import profiles


def service_history(root, info, first=20, after=None):
    rows, has_next = profiles.service_history(info.context.batch.con, root["id"], first, after)
    edges = [{"cursor": row["_cursor"], "node": row} for row in rows]
    return {"edges": edges, "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}}


def _vehicle_list(list_field: str):
    """A vehicle's rows of a list loaded for its owner (one query for every owner in the request)."""

    def resolve(root, info):
        return [row for row in info.context.batch.rows(list_field, root["_owner"]) if row["_vin"] == root["vin"]]

    return resolve


RESOLVERS = {
    ("Customer", "serviceHistory"): service_history,
    ("Vehicle", "activeFaults"): _vehicle_list("vehicleFaults"),
    ("Vehicle", "openFieldAlerts"): _vehicle_list("vehicleFieldAlerts"),
}
