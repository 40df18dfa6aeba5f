"""Query.alertDeliveries over HTTP: the pushed alerts' delivery log (docs/notify.md), read by
admins, after a delivery to a local webhook that failed once (tests/hub/receivers.py)."""

from __future__ import annotations

from hub.notify import DeliveryConfig, store
from hub.notify.deliver import deliver
from hub.privacy.live import serving_engine
from tests.hub.receivers import webhook

QUERY = """query($status: AlertDeliveryStatus, $first: Int!) { alertDeliveries(status: $status, first: $first) {
  deliveryId subscriptionId alertKey subject status attempts lastError queuedAt nextAttemptAt deliveredAt
  attemptLog { attempt attemptedAt outcome detail } } }"""


def test_admins_read_the_delivery_log_with_its_attempts(api, published):
    empty = api(QUERY, role="admin", variables={"first": 5}).json()
    assert empty == {"data": {"alertDeliveries": []}}, empty  # nothing delivered yet: no tables, no error
    with webhook(plan=[502]) as hook:
        subscription = store.subscribe(store.ops_engine(published.ops_url), subscriber="rnd", topic="field_alert",
                                       channel="webhook", address=hook.url)
        summary = deliver(published.ops_url, serving_engine(published.serving_url),
                          DeliveryConfig(backoff_seconds=0.01))
    assert (summary.delivered, summary.attempts) == (1, 2)
    body = api(QUERY, role="admin", variables={"status": "delivered", "first": 5}).json()
    [row] = body["data"]["alertDeliveries"]
    assert (row["subscriptionId"], row["alertKey"], row["status"], row["attempts"], row["lastError"]) == (
        subscription, "field_alert|FA-J6P-aftertreatment-ALL-20260320", "delivered", 2, None)
    assert [(a["attempt"], a["outcome"], a["detail"]) for a in row["attemptLog"]] == [
        (1, "error", "HTTP 502"), (2, "ok", None)]
    assert row["deliveredAt"].endswith("Z") and row["nextAttemptAt"] is None
    assert hook.url not in str(body)
    assert api(QUERY, role="admin", variables={"status": "failed", "first": 5}).json()["data"]["alertDeliveries"] == []
    refused = api(QUERY, role="executive", variables={"first": 5}).json()
    assert refused["errors"][0]["message"] == "field Query.alertDeliveries is not available to role executive"
    bad = api(QUERY, role="admin", variables={"first": 0}).json()
    assert bad["errors"][0]["message"] == "alertDeliveries(first: 0): first must be between 1 and 100"
