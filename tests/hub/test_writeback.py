"""The write-back kernel: validation rules per kind and the idempotent, durable event log."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from hub.writeback import Append, InvalidWriteBack, append, check_key, check_stage_change, log_engine, prepare
from hub.writeback.store import events_after, max_seq

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CONTACT = {"customerId": "CU1", "channel": "call", "direction": "inbound", "disposition": "resolved",
           "startedAt": "2026-11-23T17:30:00+08:00"}


def _error(kind: str, raw: dict) -> str:
    with pytest.raises(InvalidWriteBack) as caught:
        prepare(kind, raw, NOW)
    return str(caught.value)


def test_contact_is_normalised_to_utc_and_snake_case():
    event = prepare("contact", {**CONTACT, "notes": "发动机异响"}, NOW)
    assert event.customer_id == "CU1"
    assert event.payload["started_at"] == "2026-11-23T09:30:00.000Z"
    assert event.payload["notes"] == "发动机异响"
    assert event.payload["queue"] is None


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("contact", {**CONTACT, "channel": "fax"}, "input.channel: 'fax' is not one of call, chat"),
        ("contact", {k: v for k, v in CONTACT.items() if k != "disposition"}, "input.disposition: is required"),
        ("contact", {**CONTACT, "startedAt": "2026-11-23 09:00"}, "input.startedAt: '2026-11-23 09:00' needs a time zone"),
        ("contact", {**CONTACT, "startedAt": "2027-01-01T00:00:00Z"}, "must be between 2000-01-01 and now"),
        ("contact", {**CONTACT, "endedAt": "2026-11-23T09:00:00Z"}, "input.endedAt: '2026-11-23T09:00:00.000Z' must not be before startedAt"),
        ("contact", {**CONTACT, "agentId": "A" * 21}, "input.agentId: is longer than 20 characters"),
        ("contact", {**CONTACT, "colour": "red"}, "input.colour: is not a field of contact"),
        ("work_order_opened", {"customerId": "CU1", "category": "repair", "priority": "P9"},
         "input.priority: 'P9' is not one of P1, P2, P3, P4"),
        ("work_order_opened", {"customerId": "CU1", "category": "repair", "priority": "P1", "slaHours": 0},
         "input.slaHours: 0 must be between 1 and 720"),
        ("work_order_opened", {"customerId": "CU1", "category": "repair", "priority": "P1", "vin": "NOTAVIN"},
         "input.vin: is not a valid VIN"),
        ("work_order_advanced", {"workOrderId": "W1", "stage": "teleported"}, "input.stage: 'teleported' is not one of"),
        ("work_order_advanced", {"workOrderId": "W1", "stage": "resolved", "parts": [{"partNo": "P1", "quantity": 0}]},
         "input.parts[0].quantity: 0 must be between 1 and 999"),
        ("survey", {"customerId": "CU1", "surveyType": "csat", "score": 6, "contactId": "C1"},
         "input.score: 6 must be between 1 and 5"),
        ("survey", {"customerId": "CU1", "surveyType": "csat", "score": 4}, "give exactly one of contactId"),
        ("survey", {"customerId": "CU1", "surveyType": "csat", "score": 4, "workOrderId": "W1"},
         "input.surveyType: 'csat' must be 'callback' for this subject"),
        ("offer_response", {"customerId": "CU1", "product": "financing", "response": "maybe"},
         "input.response: 'maybe' is not one of accepted, declined, not_now"),
        ("consent", {"customerId": "CU1", "channel": "sms", "purpose": "spam", "status": "granted"},
         "input.purpose: 'spam' is not one of service, marketing"),
    ],
)
def test_errors_name_field_value_and_rule(kind, raw, message):
    assert message in _error(kind, raw)


def test_personal_values_are_never_echoed():
    assert "secret note" not in _error("contact", {**CONTACT, "notes": 123, "agentId": None} | {"notes": ["secret note"]})
    assert "LFW" not in _error("work_order_opened", {"customerId": "CU1", "category": "repair", "priority": "P1",
                                                     "vin": "LFWSRXSJ7RA07649X"})


def test_parts_become_the_ticketing_form_and_stage_time_defaults_to_now():
    event = prepare("work_order_advanced", {"workOrderId": "W1", "stage": "resolved",
                                             "parts": [{"partNo": "BR-1", "quantity": 2}, {"partNo": "F-9", "quantity": 1}]}, NOW)
    assert event.payload["parts"] == "BR-1 x 2;F-9 x 1"
    assert event.payload["stage_at"] == "2026-11-23T10:00:00.000Z"
    assert event.customer_id is None


def test_stage_order_follows_the_workflow():
    check_stage_change("W1", "on_site", "resolved")
    check_stage_change("W1", "closed", "reopened")
    with pytest.raises(InvalidWriteBack, match=r"input.stage: 'closed' cannot follow stage 'dispatched' of work order W1 "
                                               r"\(allowed next: accepted, resolved\)"):
        check_stage_change("W1", "dispatched", "closed")


def test_request_hash_ignores_key_order_but_not_values():
    a = prepare("contact", CONTACT, NOW).request_hash
    assert prepare("contact", dict(reversed(list(CONTACT.items()))), NOW).request_hash == a
    assert prepare("contact", {**CONTACT, "direction": "outbound"}, NOW).request_hash != a


@pytest.mark.parametrize("key", ["", "   ", None, "k" * 129, "tab\there"])
def test_idempotency_key_rules(key):
    with pytest.raises(InvalidWriteBack, match="idempotencyKey"):
        check_key(key)


def _row(key: str, digest: str = "h", scope: str = "contact_engine", customer: str = "CU1") -> Append:
    return Append({"event_id": f"e-{scope}-{key}-{digest}", "kind": "contact", "customer_id": customer,
                   "payload": json.dumps({"k": key}), "scope": scope, "idempotency_key": key, "request_hash": digest,
                   "response": json.dumps({"eventId": f"e-{key}"}), "recorded_at": "2026-11-23T10:00:00.000Z"})


def test_append_writes_each_key_once_and_replays_the_first_response(tmp_path):
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)
    first = append(engine, [_row("a"), _row("b"), _row("a"), _row("a", digest="other")])
    assert [o.status for o in first] == ["written", "written", "replayed", "conflict"]
    again = append(engine, [_row("b"), _row("b", digest="other"), _row("b", scope="admin"), _row("c")])
    assert [o.status for o in again] == ["replayed", "conflict", "written", "written"]
    assert again[0].response == {"eventId": "e-b"}
    rows = events_after(engine, 0)
    assert [(r["seq"], r["payload"]["k"]) for r in rows] == [(1, "a"), (2, "b"), (3, "b"), (4, "c")]
    assert max_seq(engine) == 4
    assert [r["payload"]["k"] for r in events_after(engine, 2)] == ["b", "c"]


def test_the_log_is_durable_wal_with_full_sync(tmp_path):
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)
    with engine.connect() as con:
        assert con.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("pragma synchronous").scalar() == 2  # FULL
    append(engine, [_row("a")])
    engine.dispose()
    with sqlite3.connect(tmp_path / "ops.db") as raw:
        assert raw.execute("select idempotency_key, request_hash from writeback_events").fetchall() == [("a", "h")]


def test_concurrent_writers_on_postgres_replay_shared_keys_and_never_skip_a_seq(postgres_url):
    """Several writers at once on PostgreSQL: the same key sent by two of them is written
    once and replayed to the other (no unique-violation error), and a reader that advances
    a watermark while they write sees every event, because commit order is seq order."""
    import threading

    import uuid

    engine = log_engine(postgres_url, writer=True)
    start_seq, run = max_seq(engine), uuid.uuid4().hex[:4]  # the server is shared with other tests
    writers, per_writer = 6, 40
    start, done = threading.Barrier(writers + 1), threading.Event()
    outcomes: list[str] = []
    errors: list[BaseException] = []
    seen: list[int] = []

    def write(w: int) -> None:
        start.wait()
        try:
            for i in range(per_writer):
                # every key is sent by two writers at about the same moment
                outcomes.extend(o.status for o in append(engine, [_row(f"{run}-k{(w // 2)}-{i}")]))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def read() -> None:
        watermark = start_seq
        start.wait()
        while True:
            finished = done.is_set()
            for row in events_after(engine, watermark):
                seen.append(row["seq"])
                watermark = row["seq"]
            if finished:
                return

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    reader.join(timeout=60)
    assert not errors, errors[0]
    assert outcomes.count("written") == writers // 2 * per_writer
    assert outcomes.count("replayed") == writers // 2 * per_writer
    everything = [row["seq"] for row in events_after(engine, start_seq, limit=10_000)]
    assert len(everything) == writers // 2 * per_writer
    assert seen == everything  # the watermark reader skipped nothing
    engine.dispose()
