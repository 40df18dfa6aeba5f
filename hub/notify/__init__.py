"""Alerts pushed to whoever subscribes (docs/notify.md).

A subscription (hub.notify.store, in the ops store) names who is told, how (a webhook URL or
an e-mail address) and about what: field alerts by model, component and severity, or
scorecard KPIs that miss their target. After each publish, `deliver` (hub.notify.deliver)
matches the served alerts against every active subscription, queues each (subscription,
alert) pair once, and sends it with retries and exponential backoff, every attempt logged.

Names load on first use: `hub` imports the CLI module at every start, and httpx and
SQLAlchemy only matter to the commands that deliver or read the store.
"""

from importlib import import_module

# `deliver` itself lives in hub.notify.deliver (a module of that name would shadow it here)
_NAMES = {"DeliveryConfig": "deliver", "Summary": "deliver", "InvalidSubscription": "store",
          "cancel": "store", "deliveries": "store", "subscribe": "store", "subscriptions": "store"}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'hub.notify' has no attribute {name!r}")
    return getattr(import_module(f"hub.notify.{_NAMES[name]}"), name)
