"""The write-back service: check, deduplicate and durably append one contact-engine event.

A write-back is validated (hub.writeback.events), its references checked against the
served build and the live log, and appended through the process's group-commit writer,
whose transaction answers a key seen before with its first response; the answer goes out
only after the commit is on disk. A request that fails validation is looked up in the log
before it is refused: a retried stage change must get its first answer, not fail the
stage-order rule its own first attempt moved on.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.group_commit import GroupCommitWriter
from api.keys import Principal
from api.store import Reader, ServingStore
from hub.writeback import Append, InvalidWriteBack, check_key, check_stage_change, events, prepare
from hub.writeback import vocabulary as v
from hub.writeback.events import request_hash
from hub.writeback.fold import current_stage
from hub.writeback.store import work_order_events

_CUSTOMER = (
    "select customer_id from customers where customer_id = "
    "coalesce((select customer_id from customer_aliases where alias_id = :key), :key)"
)
_WORK_ORDER = "select customer_id, coalesce(stage, status) as stage from open_work_orders where work_order_id = :key"
_PUBLISHED_SEQ = "select ops_seq from _build"
_QA_SAMPLE = "select customer_id from qa_samples where call_id = :key"
_LEAD = "select lead_id from sales_leads where lead_id = :key"
NO_CUSTOMER = ""  # a lead's status is about a lead, not a customer (hub.knowledge.NO_CUSTOMER alike)
KNOWN_CUSTOMERS = 200_000  # customer ids checked against the served build, per API process
KNOWN_SECONDS = 300.0


def published_seq(con: Reader) -> int:
    """The highest ops seq the served build contains (its events come from the marts)."""
    rows = con.rows(_PUBLISHED_SEQ, {})
    return int(rows[0]["ops_seq"] or 0) if rows else 0


@dataclass
class MutationContext:
    """info.context of a mutation: who calls and the service that writes."""

    principal: Principal
    writeback: WriteBackService


class WriteBackService:
    def __init__(self, store: ServingStore, reader: Engine, writer: GroupCommitWriter) -> None:
        self.store, self.reader, self.writer = store, reader, writer
        self._known: dict[str, str] = {}
        self._known_engine: object = None
        self._known_until = 0.0

    async def submit(self, principal: Principal, kind: str, key: Any, raw: dict[str, Any]) -> dict[str, Any]:
        """The mutation's response: the first one for a key seen before."""
        key = check_key(key)
        now = datetime.now(UTC)
        try:
            event = prepare(kind, raw, now)
            payload = dict(event.payload)
            customer_id = self._references(kind, payload)
        except InvalidWriteBack:
            # a retry must get its first answer even if the request no longer passes (its
            # own first attempt moved the work order on): only then is the log consulted
            prior = self._prior(principal.role, key)
            if prior is None:
                raise
            return _replay(key, request_hash(kind, raw), prior)
        event_id = uuid.uuid4().hex
        recorded_at = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        if kind == v.WORK_ORDER_OPENED:
            payload["work_order_id"] = "CE" + event_id[:14].upper()
        stage = "created" if kind == v.WORK_ORDER_OPENED else payload.get("stage")
        response = {
            "eventId": event_id, "kind": kind, "customerId": customer_id, "recordedAt": recorded_at,
            "workOrderId": payload.get("work_order_id"), "stage": stage,
        }
        return await self.append(principal, key, event.request_hash, event_id, kind, customer_id, payload, response,
                                 recorded_at)

    def replayed(self, principal: Principal, kind: str, key: str, raw: dict[str, Any]) -> dict[str, Any] | None:
        """The first answer when this key was used before (None for a new key); a different
        request under a used key is refused."""
        prior = self._prior(principal.role, key)
        return None if prior is None else _replay(key, request_hash(kind, raw), prior)

    async def append(self, principal: Principal, key: str, digest: str, event_id: str, kind: str, customer_id: str,
                     payload: dict[str, Any], response: dict[str, Any], recorded_at: str) -> dict[str, Any]:
        """Append one checked event through the group commit; its response once it is on disk."""
        row = {
            "event_id": event_id, "kind": kind, "customer_id": customer_id,
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            "scope": principal.role, "idempotency_key": key, "request_hash": digest,
            "response": json.dumps(response, separators=(",", ":")), "recorded_at": recorded_at,
        }
        outcome = await self.writer.submit(Append(row, response))
        if outcome.status == "conflict":
            raise _conflict(key)
        return outcome.response

    def _prior(self, scope: str, key: str) -> tuple[str, str] | None:
        query = sa.select(events.c.request_hash, events.c.response).where(
            events.c.scope == scope, events.c.idempotency_key == key
        )
        with self.reader.connect() as con:
            row = con.execute(query).first()
        return None if row is None else (row.request_hash, row.response)

    def _references(self, kind: str, payload: dict[str, Any]) -> str:
        """The customer the event concerns (a merged-away id resolves to its survivor);
        for a stage change, the work order's customer after checking the stage order."""
        if kind == v.LEAD_STATUS:
            with self.store.connect() as con:
                if not con.rows(_LEAD, {"key": payload["lead_id"]}):
                    raise InvalidWriteBack("input.leadId", "is not a lead of the served hand-over list (sales_leads)",
                                           payload["lead_id"])
            return NO_CUSTOMER
        if kind == v.QA_REVIEW:
            with self.store.connect() as con:
                sampled = con.rows(_QA_SAMPLE, {"key": payload["call_id"]})
            if not sampled:
                raise InvalidWriteBack("input.callId", "is not a call of the served QA sample (qa_samples)",
                                       payload["call_id"])
            return sampled[0]["customer_id"]
        if kind != v.WORK_ORDER_ADVANCED:
            payload["customer_id"] = self._customer(payload["customer_id"])
            return payload["customer_id"]
        with self.store.connect() as con:
            work_order_id = payload["work_order_id"]
            served = con.rows(_WORK_ORDER, {"key": work_order_id})
            after = published_seq(con)
        with self.reader.connect() as ops:
            live = work_order_events(ops, work_order_id, after)
        customer_id = served[0]["customer_id"] if served else (live[0]["customer_id"] if live else None)
        stage = current_stage(served[0]["stage"] if served else None, live)
        if customer_id is None or stage is None:
            raise InvalidWriteBack("input.workOrderId", "is not an open work order of the served build nor one "
                                   "opened since", work_order_id)
        check_stage_change(work_order_id, stage, payload["stage"])
        return customer_id

    def _customer(self, customer_id: str) -> str:
        """The live customer an id names in the served build (an alias resolves to its
        survivor). Answers are kept until the served build changes: a contact centre writes
        back on the same customers all day, and a pooled lookup costs more than the rest of
        the validation."""
        engine, now = self.store.engine(), time.monotonic()
        # a swapped SQLite build is a new engine; on PostgreSQL the swap is a schema rename
        # the engine does not see, so answers are also dropped every KNOWN_SECONDS
        if engine is not self._known_engine or now > self._known_until:
            self._known, self._known_engine, self._known_until = {}, engine, now + KNOWN_SECONDS
        survivor = self._known.get(customer_id)
        if survivor is None:
            with self.store.connect() as con:
                rows = con.rows(_CUSTOMER, {"key": customer_id})
            if not rows:
                raise InvalidWriteBack("input.customerId", "is not a customer of the served build", customer_id)
            survivor = rows[0]["customer_id"]
            if len(self._known) >= KNOWN_CUSTOMERS:
                self._known.clear()
            self._known[customer_id] = survivor
        return survivor


def _replay(key: str, digest: str, prior: tuple[str, str]) -> dict[str, Any]:
    if prior[0] != digest:
        raise _conflict(key)
    return json.loads(prior[1])


def _conflict(key: str) -> InvalidWriteBack:
    return InvalidWriteBack("idempotencyKey", "was already used for a different request: use a new key for a "
                            "new write-back and repeat a retried request exactly", key)
