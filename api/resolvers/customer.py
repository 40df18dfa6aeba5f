"""Customer: its lists come from the request's batch; lifecycle is the same row."""

from __future__ import annotations

from api.limits import LIST_SIZES


def _list(list_field: str):
    bound = LIST_SIZES[list_field]  # the size the cost check counted for a list without `first`

    def resolve(root, info, first=None):
        rows = info.context.batch.rows(list_field, root["id"])
        return rows[:bound if first is None else first]

    return resolve


def lifecycle(root, _info):
    return root


RESOLVERS = {
    ("Customer", "phones"): _list("phones"),
    ("Customer", "vehicles"): _list("vehicles"),
    ("Customer", "recentCalls"): _list("recentCalls"),
    ("Customer", "openWorkOrders"): _list("openWorkOrders"),
    ("Customer", "lifecycle"): lifecycle,
    ("Lifecycle", "churnReasons"): _list("churnReasons"),
}
