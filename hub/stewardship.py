"""Identity stewardship: a data steward's overrides of the identity graph.

An override says of two CRM records either `never_link` (they are never one customer,
whatever deterministic or probabilistic evidence says) or `always_link` (they are one
customer: an edge of the graph), with the steward's employee id and a reason. Overrides are
events of the ops store's log (kind `identity_override`, one per add or remove), written by
`hub identity override` and the `setIdentityOverride` mutation, exported to the warehouse
like every write-back, and applied by the next build (transforms/models/intermediate/
identity/, docs/identity.md "Stewardship").

An override names CRM record ids only, never an identifier value: a phone or id-card number
would put personal data in the log, the audit and the history. The override in force for a
pair is its latest event in seq order; a pair has one id per rule (`override_id`), so adding
what is already in force, or removing what is not, changes nothing and writes nothing.
In hub/ because the API and the CLI write it and ingestion's contract checks the same rules.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from hub.vocabulary import LINK_RULES, OVERRIDE_ACTIONS
from hub.writeback.events import InvalidWriteBack, request_hash
from hub.writeback.store import Append, append, kind_events

KIND = "identity_override"
NO_CUSTOMER = ""  # an override concerns CRM records, not (yet) one unified customer
ROLE = "steward"
CRM_ID = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z_.-]{0,63}\Z")
AUTHOR = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z_-]{0,39}\Z")  # an employee id, never a name
MAX_REASON = 500


def override_id(link_rule: str, left: str, right: str) -> str:
    """One id per rule and pair (either order): what `remove` and the history name."""
    low, high = sorted((left, right))
    return "OV" + hashlib.sha256(f"{link_rule}|{low}|{high}".encode()).hexdigest()[:14].upper()


def _text(raw: Mapping[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidWriteBack(f"input.{name}", "is required")
    if len(value) > limit:
        raise InvalidWriteBack(f"input.{name}", f"is longer than {limit} characters")
    return value.strip()


def prepare(raw: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The payload of one override event (snake_case), or InvalidWriteBack naming the input
    field, the value and the rule broken. The reason is free text: never echoed."""
    known = {"action", "rule", "leftCrmId", "rightCrmId", "reason", "author"}
    for name in raw:
        if name not in known:
            raise InvalidWriteBack(f"input.{name}", "is not a field of an identity override")
    action = _text(raw, "action", 10)
    if action not in OVERRIDE_ACTIONS:
        raise InvalidWriteBack("input.action", f"is not one of {', '.join(OVERRIDE_ACTIONS)}", action)
    rule = _text(raw, "rule", 20)
    if rule not in LINK_RULES:
        raise InvalidWriteBack("input.rule", f"is not one of {', '.join(LINK_RULES)}", rule)
    left, right = _text(raw, "leftCrmId", 64), _text(raw, "rightCrmId", 64)
    for name, value in (("leftCrmId", left), ("rightCrmId", right)):
        if not CRM_ID.match(value):
            raise InvalidWriteBack(f"input.{name}", "is not a CRM customer record id (letters, digits, . _ -)",
                                   value)
    if left == right:
        raise InvalidWriteBack("input.rightCrmId", "names the same record as leftCrmId: an override links or "
                               "separates two records", right)
    author = _text(raw, "author", 40)
    if not AUTHOR.match(author):
        raise InvalidWriteBack("input.author", "must be the steward's employee id (letters, digits, - or _)")
    low, high = sorted((left, right))
    return {
        "override_id": override_id(rule, low, high),
        "override_action": action,
        "link_rule": rule,
        "left_crm_customer_id": low,
        "right_crm_customer_id": high,
        "reason": _text(raw, "reason", MAX_REASON),
        "author_id": author,
        "written_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }


@dataclass(frozen=True)
class Override:
    override_id: str
    link_rule: str
    left_crm_customer_id: str
    right_crm_customer_id: str
    reason: str
    author_id: str
    written_at: str
    seq: int

    def as_result(self, in_force: bool, changed: bool, event_id: str | None) -> dict[str, Any]:
        return {"overrideId": self.override_id, "rule": self.link_rule, "leftCrmId": self.left_crm_customer_id,
                "rightCrmId": self.right_crm_customer_id, "inForce": in_force, "changed": changed,
                "eventId": event_id, "author": self.author_id, "writtenAt": self.written_at}


def in_force(events: Iterable[Mapping[str, Any]]) -> dict[str, Override]:
    """The overrides in force after these events (seq order): the latest event of each id."""
    current: dict[str, Override] = {}
    for event in events:
        p = event["payload"]
        if p["override_action"] == "add":
            current[p["override_id"]] = Override(
                p["override_id"], p["link_rule"], p["left_crm_customer_id"], p["right_crm_customer_id"],
                p["reason"], p["author_id"], p["written_at"], event["seq"])
        else:
            current.pop(p["override_id"], None)
    return current


def current(engine: Engine) -> dict[str, Override]:
    """Every override in force, read from the ops log (a few hundred events at most)."""
    with engine.connect() as con:
        return in_force(kind_events(con, KIND, 0))


@dataclass(frozen=True)
class Decision:
    """What one add or remove does: whether it changes anything (an event to append) and the
    override to answer with. Two stewards racing to add contradicting overrides can both
    be written; the build then lets never-link win."""

    payload: dict[str, Any]
    changes: bool
    override: Override


def decide(payload: dict[str, Any], overrides: Mapping[str, Override],
           known_records: Callable[[list[str]], set[str]]) -> Decision:
    """Check an add or remove against the overrides in force and the served records."""
    pair = [payload["left_crm_customer_id"], payload["right_crm_customer_id"]]
    proposed = Override(payload["override_id"], payload["link_rule"], *pair, payload["reason"], payload["author_id"],
                        payload["written_at"], 0)
    existing = overrides.get(payload["override_id"])
    if payload["override_action"] == "remove":
        if existing is None:
            raise InvalidWriteBack("input.rule", f"no {payload['link_rule']} override of {pair[0]} and {pair[1]} is "
                                   "in force (hub identity override list)")
        return Decision(payload, True, proposed)  # answered with the remover's author and time
    if existing is not None:
        return Decision(payload, False, existing)  # already in force: idempotent, nothing written
    other = "always_link" if payload["link_rule"] == "never_link" else "never_link"
    if override_id(other, *pair) in overrides:
        raise InvalidWriteBack("input.rule", f"{pair[0]} and {pair[1]} have a {other} override in force: remove it "
                               "first (an override cannot both link and separate two records)", payload["link_rule"])
    missing = [record for record in pair if record not in known_records(pair)]
    if missing:
        raise InvalidWriteBack("input.leftCrmId" if missing[0] == pair[0] else "input.rightCrmId",
                               "is not a CRM record of the served build (crm_customers)", missing[0])
    return Decision(payload, True, proposed)


def event_row(payload: dict[str, Any], scope: str, key: str, digest: str, response: dict[str, Any],
              recorded_at: str) -> dict[str, Any]:
    """The ops log row of one override event."""
    return {"event_id": uuid.uuid4().hex, "kind": KIND, "customer_id": NO_CUSTOMER,
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "scope": scope,
            "idempotency_key": key, "request_hash": digest,
            "response": json.dumps(response, separators=(",", ":")), "recorded_at": recorded_at}


def write(engine: Engine, raw: Mapping[str, Any], known_records: Callable[[list[str]], set[str]],
          key: str | None = None, scope: str = "cli") -> dict[str, Any]:
    """Add or remove one override from a command line (the API goes through its group commit,
    api.identity): checked, appended once, answered. The key defaults to the request's hash
    and the override's last event, so a repeated command replays its first answer."""
    now = datetime.now(UTC)
    payload = prepare(raw, now)
    digest = request_hash(KIND, {k: raw[k] for k in sorted(raw)})
    with engine.connect() as con:
        log = kind_events(con, KIND, 0)
    decision = decide(payload, in_force(log), known_records)
    # the default key also names the override's last event, so the same command after a
    # remove (or an add) in between is a new write, while a retry of this one replays
    last = max((e["seq"] for e in log if e["payload"]["override_id"] == payload["override_id"]), default=0)
    in_force_after = payload["override_action"] == "add"
    if not decision.changes:
        return decision.override.as_result(True, False, None)
    recorded_at = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    row = event_row(payload, scope, key or f"{scope}-{digest}-{last}", digest, {}, recorded_at)
    response = decision.override.as_result(in_force_after, True, row["event_id"])
    row["response"] = json.dumps(response, separators=(",", ":"))
    outcome = append(engine, [Append(row, response)])[0]
    if outcome.status == "conflict":
        raise InvalidWriteBack("idempotencyKey", "was already used for a different request", key)
    return outcome.response or response

