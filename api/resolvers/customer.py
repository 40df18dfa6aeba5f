"""Customer: its lists come from the request's batch; lifecycle is the same row."""

from __future__ import annotations


def _list(list_field: str):
    def resolve(root, info, first=None):
        rows = info.context.batch.rows(list_field, root["id"])
        return rows if first is None else rows[:first]

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
