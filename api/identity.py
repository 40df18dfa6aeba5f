"""The data steward's API: identity overrides written through the write-back service (the
ops log's group commit, idempotency keys) and audited; the overrides in force read from the
log. The rules are hub.stewardship's; the next build applies what is written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from api.keys import Principal
from api.profiles import BadArgument
from api.writeback import WriteBackService
from hub import audit, stewardship
from hub.settings import get_settings
from hub.writeback import check_key
from hub.writeback.events import request_hash
from hub.writeback.store import writer_turn


_RECORDS = "select crm_customer_id from crm_customers where crm_customer_id in (:left, :right)"


def _known_records(service: WriteBackService):
    def known(records: list[str]) -> set[str]:
        with service.store.connect() as con:
            rows = con.rows(_RECORDS, {"left": records[0], "right": records[1]})
        return {row["crm_customer_id"] for row in rows}

    return known


async def set_override(service: WriteBackService, principal: Principal, key: Any, raw: dict[str, Any]) -> dict:
    """setIdentityOverride: add or remove one override; a retried key gets its first answer,
    an add already in force (or a remove of one not in force) is answered without a write."""
    key = check_key(key)
    replay = service.replayed(principal, stewardship.KIND, key, raw)
    if replay is not None:
        return replay
    now = datetime.now(UTC)
    payload = stewardship.prepare(raw, now)
    decision = stewardship.decide(payload, stewardship.current(service.reader), _known_records(service))
    if not decision.changes:
        return decision.override.as_result(True, False, None)
    row = stewardship.event_row(payload, principal.role, key, request_hash(stewardship.KIND, raw), {},
                                payload["written_at"])
    response = decision.override.as_result(payload["override_action"] == "add", True, row["event_id"])
    answer = await service.append(principal, key, row["request_hash"], row["event_id"], stewardship.KIND,
                                  stewardship.NO_CUSTOMER, payload, response, payload["written_at"])
    _audit(service.reader, principal, payload)
    return answer


def _audit(ops: Engine, principal: Principal, payload: dict[str, Any]) -> None:
    detail = {"override_id": payload["override_id"], "rule": payload["link_rule"],
              "action": payload["override_action"], "left_crm_id": payload["left_crm_customer_id"],
              "right_crm_id": payload["right_crm_customer_id"], "author": payload["author_id"]}
    with writer_turn(ops):
        audit.create(ops)
        audit.append(ops, audit.chain_key(get_settings()),
                     [audit.Entry("steward_override", principal.key_id, principal.role, None, detail)])


MAX_OVERRIDES = 200


def overrides(ops: Engine | None, first: int) -> list[dict[str, Any]]:
    """identityOverrides: the first overrides in force, oldest first."""
    if not 0 < first <= MAX_OVERRIDES:
        raise BadArgument(f"identityOverrides(first: {first}): first must be between 1 and {MAX_OVERRIDES}")
    if ops is None:
        raise BadArgument("identity overrides are not available on a read-only service")
    return [{"overrideId": o.override_id, "rule": o.link_rule, "leftCrmId": o.left_crm_customer_id,
             "rightCrmId": o.right_crm_customer_id, "reason": o.reason, "author": o.author_id,
             "writtenAt": o.written_at}
            for o in sorted(stewardship.current(ops).values(), key=lambda o: o.seq)[:first]]
