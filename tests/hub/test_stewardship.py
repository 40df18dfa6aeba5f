"""hub.stewardship on a real SQLite ops log: an override is written once, retried without a
second event, refused when it contradicts one in force, and re-added after a remove."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import stewardship
from hub.writeback import InvalidWriteBack, log_engine
from hub.writeback.store import kind_events

RECORDS = {"C1", "C2", "C3"}
NEVER = {"action": "add", "rule": "never_link", "leftCrmId": "C2", "rightCrmId": "C1", "reason": "twins",
         "author": "ST001"}


def _known(ids: list[str]) -> set[str]:
    return {i for i in ids if i in RECORDS}


def _events(engine) -> list[dict]:
    with engine.connect() as con:
        return kind_events(con, stewardship.KIND, 0)


def test_add_retry_remove_and_add_again(tmp_path: Path) -> None:
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)
    first = stewardship.write(engine, NEVER, _known)
    assert first["changed"] and first["inForce"] and (first["leftCrmId"], first["rightCrmId"]) == ("C1", "C2")
    assert first["overrideId"] == stewardship.override_id("never_link", "C2", "C1")
    # the same command again: in force already, nothing written
    assert stewardship.write(engine, NEVER, _known)["changed"] is False
    assert len(_events(engine)) == 1
    removed = stewardship.write(engine, NEVER | {"action": "remove"}, _known)
    assert removed["changed"] and not removed["inForce"]
    assert stewardship.current(engine) == {}
    # the first command once more, after the remove: a new event, in force again
    again = stewardship.write(engine, NEVER, _known)
    assert again["changed"] and again["eventId"] != first["eventId"]
    assert [e["payload"]["override_action"] for e in _events(engine)] == ["add", "remove", "add"]
    assert list(stewardship.current(engine)) == [first["overrideId"]]


@pytest.mark.parametrize(("change", "message"), [
    ({"rule": "always_link"}, "input.rule: 'always_link' C1 and C2 have a never_link override in force"),
    ({"rightCrmId": "C9"}, "input.rightCrmId: 'C9' is not a CRM record of the served build"),
    ({"rightCrmId": "C2", "leftCrmId": "C2"}, "names the same record"),
    ({"leftCrmId": "C 1"}, "input.leftCrmId: 'C 1' is not a CRM customer record id"),
    ({"author": "Wang Wei"}, "input.author: must be the steward's employee id"),
    ({"reason": " "}, "input.reason: is required"),
    ({"action": "remove", "rule": "always_link"}, "no always_link override of C1 and C2 is in force"),
    ({"phone": "13800138000"}, "input.phone: is not a field of an identity override"),
])
def test_refusals_name_the_field_and_the_rule_and_write_nothing(tmp_path: Path, change, message) -> None:
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)
    stewardship.write(engine, NEVER, _known)
    with pytest.raises(InvalidWriteBack) as refused:
        stewardship.write(engine, NEVER | change, _known)
    assert message in str(refused.value)
    assert "13800138000" not in str(refused.value)
    assert len(_events(engine)) == 1
