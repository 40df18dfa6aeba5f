"""How live write-backs fold into a published profile (read-your-writes).

Pure functions over served rows and event dicts (hub.writeback.store.decode): the API
applies the events written since the served build to what that build shows. The rules
mirror the marts' (fct_consents, fct_work_orders) so a profile reads the same before and
after the next publish takes the events in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from hub.writeback import vocabulary as v

DEFAULT_SLA_HOURS = 72


def contacts(served: list[Mapping], events: Iterable[Mapping]) -> list[Mapping]:
    """Contacts newest first: live ones before the served ones."""
    live = [_contact(e) for e in events if e["kind"] == v.CONTACT]
    return sorted([*live, *served], key=lambda c: str(c["startedAt"]).replace(" ", "T"), reverse=True)


def _contact(event: Mapping) -> dict[str, Any]:
    p = event["payload"]
    return {
        "contactId": p["contact_id"] or event["event_id"], "channel": p["channel"], "direction": p["direction"],
        "disposition": p["disposition"], "queue": p["queue"], "agentId": p["agent_id"],
        "startedAt": p["started_at"], "endedAt": p["ended_at"], "notes": p["notes"],
    }


def consents(served: list[Mapping], events: Iterable[Mapping]) -> list[Mapping]:
    """The consent in force per channel and purpose: a live event replaces the served one
    (it was recorded after the build; among live events the last written wins)."""
    current = {(c["channel"], c["purpose"]): dict(c) for c in served}
    for event in events:
        if event["kind"] == v.CONSENT:
            p = event["payload"]
            current[(p["channel"], p["purpose"])] = {
                "channel": p["channel"], "purpose": p["purpose"], "status": p["status"],
                "isGranted": p["status"] == "granted", "source": p["source"] or "call_center",
                "recordedAt": event["recorded_at"],
            }
    return sorted(current.values(), key=lambda c: (c["purpose"], c["channel"]))


def offer_responses(served: list[Mapping], events: Iterable[Mapping]) -> list[Mapping]:
    live = [
        {"product": e["payload"]["product"], "response": e["payload"]["response"], "channel": e["payload"]["channel"],
         "offerId": e["payload"]["offer_id"], "respondedAt": e["payload"]["responded_at"]}
        for e in events if e["kind"] == v.OFFER_RESPONSE
    ]
    return sorted([*live, *served], key=lambda r: str(r["respondedAt"]).replace(" ", "T"), reverse=True)


def open_work_orders(served: list[Mapping], events: Iterable[Mapping]) -> list[Mapping]:
    """Served open orders, plus those opened live, with live stage changes applied; an
    order whose stage is no longer open (resolved, closed, callback) leaves the list."""
    orders = {w["workOrderId"]: dict(w) for w in served}
    for event in events:
        p = event["payload"]
        if event["kind"] == v.WORK_ORDER_OPENED:
            orders[p["work_order_id"]] = opened(event)
        elif event["kind"] == v.WORK_ORDER_ADVANCED and p["work_order_id"] in orders:
            order = orders[p["work_order_id"]]
            order.update(stage=p["stage"], status=p["stage"], stageEnteredAt=p["stage_at"])
    still_open = [w for w in orders.values() if w["stage"] in v.OPEN_STAGES]
    return sorted(still_open, key=lambda w: (str(w["createdAt"]).replace(" ", "T"), w["workOrderId"]), reverse=True)


def opened(event: Mapping) -> dict[str, Any]:
    """A work order as the openWorkOrder event created it (SLA state as of its creation)."""
    p = event["payload"]
    created = datetime.fromisoformat(event["recorded_at"].replace("Z", "+00:00"))
    due = created + timedelta(hours=p["sla_hours"] or DEFAULT_SLA_HOURS)
    return {
        "workOrderId": p["work_order_id"], "vin": p["vin"], "category": p["category"], "priority": p["priority"],
        "status": "created", "stage": "created", "stageEnteredAt": event["recorded_at"],
        "component": p["component"], "faultCode": p["fault_code"], "createdAt": event["recorded_at"],
        "slaDueAt": due.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "slaState": "on_track",
    }


def current_stage(served_stage: str | None, events: Iterable[Mapping]) -> str | None:
    """A work order's stage after its live events (None when it is unknown)."""
    stage = served_stage
    for event in events:
        stage = "created" if event["kind"] == v.WORK_ORDER_OPENED else event["payload"]["stage"]
    return stage
