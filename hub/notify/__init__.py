"""Alerts pushed to whoever subscribes (docs/notify.md).

A subscription (hub.notify.store, in the ops store) names who is told, how (a webhook URL or
an e-mail address) and about what: field alerts by model, component and severity, or
scorecard KPIs that miss their target. After each publish, `deliver` (hub.notify.deliver)
matches the served alerts against every active subscription, queues each (subscription,
alert) pair once, and sends it with retries and exponential backoff, every attempt logged.
"""

from hub.notify.deliver import DeliveryConfig, Summary, deliver
from hub.notify.store import InvalidSubscription, cancel, deliveries, subscribe, subscriptions

__all__ = ["DeliveryConfig", "InvalidSubscription", "Summary", "cancel", "deliver", "deliveries", "subscribe",
           "subscriptions"]
