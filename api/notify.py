"""Service layer of Query.alertDeliveries: the pushed alerts' delivery log (hub.notify.store)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.profiles import BadArgument
from hub.notify import store

MAX_DELIVERIES = 100
ATTEMPTS_SHOWN = 10


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def deliveries(ops: Engine | None, subscription_id: str | None, status: str | None, first: int) -> list[dict]:
    if not 0 < first <= MAX_DELIVERIES:
        raise BadArgument(f"alertDeliveries(first: {first}): first must be between 1 and {MAX_DELIVERIES}")
    if ops is None:
        return []
    try:
        rows = store.deliveries(ops, subscription_id, status, first)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        return []  # no delivery has run on this ops store yet: its tables do not exist
    return [{
        "deliveryId": r["delivery_id"], "subscriptionId": r["subscription_id"], "alertKey": r["alert_key"],
        "subject": r["subject"], "status": r["status"], "attempts": r["attempts"], "lastError": r["last_error"],
        "queuedAt": _when(r["queued_at"]),
        "nextAttemptAt": _when(r["next_attempt_at"]) if r["status"] in ("pending", "retrying") else None,
        "deliveredAt": _when(r["delivered_at"]),
        "attemptLog": [{"attempt": a["attempt"], "attemptedAt": _when(a["attempted_at"]), "outcome": a["outcome"],
                        "detail": a["detail"]} for a in r["attempt_log"][-ATTEMPTS_SHOWN:]],
    } for r in rows]
