"""Validation of the contact engine's write-backs: one spec per event kind.

`prepare(kind, raw)` checks a mutation's input against its kind's rules and returns the
event to append: the normalised payload (snake_case keys), the customer it concerns and a
hash of the request as sent (a retried key with a different request is refused). Errors
name the input field, the value unless it may be personal, and the rule broken. Free
text (notes, descriptions) may be personal: it is stored, never echoed or logged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from hub.identifiers import normalize_vin
from hub.writeback import vocabulary as v

FieldKind = Literal["string", "int", "datetime", "vin", "parts", "qa_scores"]
MAX_KEY_LENGTH = 128
# a write-back reports something that happened: not from the future (beyond clock skew)
MAX_FUTURE = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class InvalidWriteBack(ValueError):
    """A write-back that breaks a rule; the message names the field, value and rule."""

    def __init__(self, field: str, rule: str, value: object = None, personal: bool = False) -> None:
        shown = "" if personal or value is None else f" {value!r}"
        super().__init__(f"{field}:{shown} {rule}")
        self.field, self.rule = field, rule


@dataclass(frozen=True)
class Rule:
    name: str  # the GraphQL input field (camelCase)
    kind: FieldKind = "string"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    personal: bool = False
    column: str = ""  # the payload key (snake_case)
    derived: bool = False  # computed from the other fields (not an input field)


def _r(name: str, kind: FieldKind = "string", **kw: Any) -> Rule:
    return Rule(name, kind, column="".join("_" + c.lower() if c.isupper() else c for c in name), **kw)


_CUSTOMER = _r("customerId", required=True, max_length=64)
SPECS: dict[str, tuple[Rule, ...]] = {
    v.CONTACT: (
        _CUSTOMER,
        _r("channel", required=True, allowed=v.CONTACT_CHANNELS),
        _r("direction", required=True, allowed=v.DIRECTIONS),
        _r("disposition", required=True, allowed=v.CONTACT_DISPOSITIONS),
        _r("startedAt", "datetime", required=True),
        _r("endedAt", "datetime"),
        _r("queue", allowed=v.QUEUES),
        _r("agentId", max_length=20),
        _r("contactId", max_length=40),
        _r("notes", max_length=2000, personal=True),
    ),
    v.WORK_ORDER_OPENED: (
        _CUSTOMER,
        _r("category", required=True, allowed=v.WORK_ORDER_CATEGORIES),
        _r("priority", required=True, allowed=v.PRIORITIES),
        _r("vin", "vin", personal=True),
        _r("component", allowed=v.COMPONENTS),
        _r("faultCode", max_length=20),
        _r("description", max_length=2000, personal=True),
        _r("regionOffice", max_length=40),
        _r("slaHours", "int", minimum=1, maximum=720),
        _r("contactId", max_length=40),
    ),
    v.WORK_ORDER_ADVANCED: (
        _r("workOrderId", required=True, max_length=32),
        _r("stage", required=True, allowed=v.WORK_ORDER_STAGES),
        _r("stageAt", "datetime"),
        _r("engineerId", max_length=20),
        _r("regionOffice", max_length=40),
        _r("parts", "parts", max_length=400),
        _r("warehouse", max_length=40),
        _r("resolution", max_length=2000, personal=True),
    ),
    v.SURVEY: (
        _CUSTOMER,
        _r("surveyType", required=True, allowed=v.SURVEY_TYPES),
        _r("score", "int", required=True, minimum=1, maximum=5),
        _r("contactId", max_length=40),
        _r("workOrderId", max_length=32),
        _r("surveyedAt", "datetime"),
    ),
    v.OFFER_RESPONSE: (
        _CUSTOMER,
        _r("product", required=True, allowed=v.PRODUCTS),
        _r("response", required=True, allowed=v.OFFER_RESPONSES),
        _r("channel", allowed=v.CONSENT_CHANNELS),
        _r("offerId", max_length=40),
        _r("respondedAt", "datetime"),
    ),
    v.CONSENT: (
        _CUSTOMER,
        _r("channel", required=True, allowed=v.CONSENT_CHANNELS),
        _r("purpose", required=True, allowed=v.CONSENT_PURPOSES),
        _r("status", required=True, allowed=v.CONSENT_STATUSES),
        _r("source", allowed=v.CONSENT_SOURCES),
    ),
    v.QA_REVIEW: (
        _r("callId", required=True, max_length=40),
        _r("reviewerId", required=True, max_length=20),
        _r("scores", "qa_scores", required=True, max_length=400),
        _r("reviewedAt", "datetime"),
        # from scores: points scored and possible on the criteria scored
        _r("qaPoints", "int", minimum=0, derived=True),
        _r("qaPossiblePoints", "int", minimum=1, derived=True),
    ),
    v.LEAD_STATUS: (
        _r("leadId", required=True, max_length=32),
        _r("status", required=True, allowed=v.LEAD_STATUSES),
        _r("statusAt", "datetime"),
        _r("salesRepId", max_length=20),
        _r("note", max_length=2000, personal=True),
    ),
}
# when the event happened, if the caller did not say: when it was recorded
WHEN = {v.WORK_ORDER_ADVANCED: "stage_at", v.SURVEY: "surveyed_at", v.OFFER_RESPONSE: "responded_at",
        v.QA_REVIEW: "reviewed_at", v.LEAD_STATUS: "status_at"}


@dataclass(frozen=True)
class Prepared:
    kind: str
    customer_id: str | None  # None for a work-order stage change: the order names its customer
    payload: dict[str, Any]
    request_hash: str


def request_hash(kind: str, raw: dict[str, Any]) -> str:
    """sha256 of the request as sent (kind and input, keys sorted): what a retry must repeat."""
    text = json.dumps([kind, raw], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise InvalidWriteBack("idempotencyKey", "is required: a unique key per write-back, repeated on retries")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidWriteBack("idempotencyKey", f"must be printable and at most {MAX_KEY_LENGTH} characters")
    return key


def prepare(kind: str, raw: dict[str, Any], now: datetime) -> Prepared:
    """The event a mutation appends, or InvalidWriteBack naming the first broken rule."""
    if kind not in SPECS:
        raise InvalidWriteBack("kind", f"is not one of {', '.join(SPECS)}", kind)
    rules = SPECS[kind]
    known = {rule.name for rule in rules if not rule.derived}
    for name in raw:
        if name not in known:
            raise InvalidWriteBack(f"input.{name}", f"is not a field of {kind}")
    payload = {rule.column: _check(rule, raw.get(rule.name), now) for rule in rules if not rule.derived}
    if kind == v.QA_REVIEW:
        points = [int(item.split("=")[1]) for item in payload["scores"].split(";")]
        payload["qa_points"], payload["qa_possible_points"] = sum(points), v.QA_MAX_SCORE * len(points)
    if kind in WHEN and payload[WHEN[kind]] is None:
        payload[WHEN[kind]] = _iso(now)
    _cross_checks(kind, payload)
    return Prepared(kind, payload.get("customer_id"), payload, request_hash(kind, raw))


def _cross_checks(kind: str, payload: dict[str, Any]) -> None:
    if kind == v.CONTACT and payload["ended_at"] is not None and payload["ended_at"] < payload["started_at"]:
        raise InvalidWriteBack("input.endedAt", "must not be before startedAt", payload["ended_at"])
    if kind == v.SURVEY and (payload["contact_id"] is None) == (payload["work_order_id"] is None):
        raise InvalidWriteBack("input.contactId", "give exactly one of contactId (csat) or workOrderId (callback)")
    if kind == v.SURVEY:
        expected = "csat" if payload["contact_id"] is not None else "callback"
        if payload["survey_type"] != expected:
            raise InvalidWriteBack("input.surveyType", f"must be {expected!r} for this subject", payload["survey_type"])


def check_stage_change(work_order_id: str, current: str, stage: str) -> None:
    """The ticketing workflow: a stage may only follow the stages NEXT_STAGES allows."""
    allowed = v.NEXT_STAGES.get(current, ())
    if stage not in allowed:
        rule = f"cannot follow stage {current!r} of work order {work_order_id}"
        rule += f" (allowed next: {', '.join(allowed)})" if allowed else " (no stage may follow it)"
        raise InvalidWriteBack("input.stage", rule, stage)


def _check(rule: Rule, value: Any, now: datetime) -> Any:
    field = f"input.{rule.name}"
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if rule.required:
            raise InvalidWriteBack(field, "is required")
        return None
    if rule.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidWriteBack(field, "must be an integer", value)
        if (rule.minimum is not None and value < rule.minimum) or (rule.maximum is not None and value > rule.maximum):
            raise InvalidWriteBack(field, f"must be between {rule.minimum} and {rule.maximum}", value)
        return value
    if rule.kind == "parts":
        return _parts(field, value, rule)
    if rule.kind == "qa_scores":
        return _qa_scores(field, value)
    if not isinstance(value, str):
        raise InvalidWriteBack(field, "must be a string", value, rule.personal)
    if rule.max_length is not None and len(value) > rule.max_length:
        raise InvalidWriteBack(field, f"is longer than {rule.max_length} characters", None)
    if rule.allowed is not None and value not in rule.allowed:
        raise InvalidWriteBack(field, f"is not one of {', '.join(rule.allowed)}", value)
    if rule.kind == "datetime":
        return _iso(_timestamp(field, value, now))
    if rule.kind == "vin":
        vin = normalize_vin(value)
        if vin is None:
            raise InvalidWriteBack(field, "is not a valid VIN (17 characters, check digit)", personal=True)
        return vin
    return value


def _parts(field: str, value: Any, rule: Rule) -> str:
    """Parts as [{partNo, quantity}] -> 'part_no x qty;...', the ticketing export's form."""
    if not isinstance(value, list):
        raise InvalidWriteBack(field, "must be a list of {partNo, quantity}")
    items = []
    for i, part in enumerate(value):
        number, quantity = part.get("partNo"), part.get("quantity")
        if not isinstance(number, str) or not number.strip() or len(number) > 40 or ";" in number:
            raise InvalidWriteBack(f"{field}[{i}].partNo", "is required, at most 40 characters, no ';'", number)
        if not isinstance(quantity, int) or not 1 <= quantity <= 999:
            raise InvalidWriteBack(f"{field}[{i}].quantity", "must be between 1 and 999", quantity)
        items.append(f"{number.strip()} x {quantity}")
    text = ";".join(items)
    if rule.max_length is not None and len(text) > rule.max_length:
        raise InvalidWriteBack(field, f"lists more than {rule.max_length} characters of parts")
    return text or None  # type: ignore[return-value]


def _qa_scores(field: str, value: Any) -> str:
    """Scores as [{criterion, score}] -> 'criterion=score;...' in QA_CRITERIA order: each
    criterion at most once, a score from 0 to QA_MAX_SCORE, at least one criterion."""
    if not isinstance(value, list) or not value:
        raise InvalidWriteBack(field, "must list at least one {criterion, score}")
    scores: dict[str, int] = {}
    for i, item in enumerate(value):
        criterion, score = item.get("criterion"), item.get("score")
        if criterion not in v.QA_CRITERIA:
            raise InvalidWriteBack(f"{field}[{i}].criterion", f"is not one of {', '.join(v.QA_CRITERIA)}", criterion)
        if criterion in scores:
            raise InvalidWriteBack(f"{field}[{i}].criterion", "is scored twice", criterion)
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= v.QA_MAX_SCORE:
            raise InvalidWriteBack(f"{field}[{i}].score", f"must be between 0 and {v.QA_MAX_SCORE}", score)
        scores[criterion] = score
    return ";".join(f"{c}={scores[c]}" for c in v.QA_CRITERIA if c in scores)


def _timestamp(field: str, value: str, now: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidWriteBack(field, "is not an ISO 8601 date-time", value) from None
    if parsed.tzinfo is None:
        raise InvalidWriteBack(field, "needs a time zone (Z or +08:00)", value)
    parsed = parsed.astimezone(UTC)
    if parsed > now + MAX_FUTURE or parsed < EARLIEST:
        raise InvalidWriteBack(field, "must be between 2000-01-01 and now", value)
    return parsed


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
