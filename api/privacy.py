"""The privacy role's API: erasure requests and the audit log read (docs/privacy.md)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from api.keys import Principal
from api.profiles import BadArgument
from hub import audit
from hub.privacy.live import request_erasure, serving_engine
from hub.settings import get_settings

MAX_REASON = 500


def erase_customer(principal: Principal, serving_url: Any, ops: Engine, customer_id: str, reason: str) -> dict:
    """eraseCustomer: the serving store and write-backs now, the rest by the next `--pending` run."""
    if not reason.strip() or len(reason) > MAX_REASON:
        raise BadArgument(f"reason must be 1 to {MAX_REASON} characters (the request's reference)")
    if not customer_id.strip() or len(customer_id) > 64:
        raise BadArgument("customerId must be 1 to 64 characters")
    serving = serving_engine(serving_url)
    try:
        return request_erasure(get_settings(), serving, ops, customer_id.strip(), reason.strip(),
                               principal.key_id, principal.role)
    except LookupError as error:
        raise BadArgument(str(error)) from None
    finally:
        serving.dispose()


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{seq}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, seq = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind != "audit" or not seq.isdigit() or len(seq) > 18:
            raise ValueError
        return int(seq)
    except (ValueError, UnicodeError):
        raise BadArgument("after is not a cursor of auditLog (use pageInfo.endCursor)") from None


def instant(name: str, value: object) -> datetime | None:
    """A DateTime argument (ISO 8601 with a time zone) as an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00")) if len(text) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise BadArgument(f"{name} must be an ISO 8601 time with a time zone, e.g. 2026-12-01T00:00:00Z")
    return parsed


def audit_page(principal: Principal, ops: Engine | None, *, key: str | None, role: str | None,
               customer: str | None, action: str | None, since: object, until: object,
               first: int, after: str | None) -> dict:
    """One page of the audit log; the read itself is appended to the chain first (fail closed)."""
    since, until = instant("from", since), instant("to", until)
    if ops is None:
        raise BadArgument("the audit log is not available on a read-only service")
    if action is not None and action not in audit.ACTIONS:
        raise BadArgument(f"action must be one of {', '.join(audit.ACTIONS)}")
    for name, value in (("key", key), ("role", role), ("customer", customer)):
        if value is not None and len(value) > 64:
            raise BadArgument(f"{name} is at most 64 characters")
    after_seq = decode_cursor(after)
    filters = {k: v for k, v in (("key", key), ("role", role), ("customer", customer), ("action", action),
                                 ("from", since and since.isoformat()), ("to", until and until.isoformat()),
                                 ("first", first), ("after_seq", after_seq)) if v is not None}
    audit.append(ops, audit.chain_key(get_settings()),
                 [audit.Entry("audit_read", principal.key_id, principal.role, customer, filters)])
    rows = audit.read(ops, key_id=key, role=role, customer_id=customer, action=action, since=since, until=until,
                      after_seq=after_seq, limit=first + 1)
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [{"cursor": encode_cursor(r["seq"]), "node": {
        "seq": r["seq"], "at": r["at"], "action": r["action"], "keyId": r["key_id"], "role": r["role"],
        "customerId": r["customer_id"], "detail": json.dumps(r["detail"], ensure_ascii=False, sort_keys=True)}}
        for r in rows]
    return {"edges": edges, "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}}
