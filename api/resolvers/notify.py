"""Query.alertDeliveries: three lines into api.notify."""

from __future__ import annotations

from api import notify


def alert_deliveries(_root, info, subscriptionId=None, status=None, first=20):
    return notify.deliveries(info.context.ops, subscriptionId, status, first)


RESOLVERS = {("Query", "alertDeliveries"): alert_deliveries}
