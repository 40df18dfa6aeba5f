"""Group commit: concurrent write-backs share transactions, each gets its own outcome, and a
failed commit is answered as an error to every waiting caller (nothing acknowledged)."""

from __future__ import annotations

import asyncio
import json
import threading


from api.group_commit import GroupCommitWriter
from hub.writeback import Append, append, log_engine
from hub.writeback.store import events_after


def _row(key: str) -> Append:
    return Append({"event_id": f"e-{key}", "kind": "contact", "customer_id": "CU1", "payload": "{}",
                   "scope": "contact_engine", "idempotency_key": key, "request_hash": "h",
                   "response": json.dumps({"eventId": f"e-{key}"}), "recorded_at": "2026-11-23T10:00:00.000Z"})


def test_concurrent_write_backs_share_commits_and_keep_their_answers(tmp_path):
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)
    release = threading.Event()

    def slow_first(engine_, items):
        release.wait(5)  # the first commit is "on its way to disk" while the others queue up
        return append(engine_, items)

    writer = GroupCommitWriter(engine, commit=slow_first)

    async def main():
        first = writer.submit(_row("k0"))
        await asyncio.sleep(0.05)
        rest = [writer.submit(_row(f"k{i % 150}")) for i in range(1, 300)]
        release.set()
        return await asyncio.gather(first, *rest)

    outcomes = asyncio.run(main())
    writer.close()
    assert writer.commits <= 3  # 300 write-backs, not 300 fsyncs
    assert [o.response for o in outcomes] == [{"eventId": f"e-k{i % 150}"} for i in range(300)]
    assert sorted({o.status for o in outcomes}) == ["replayed", "written"]
    assert len(events_after(engine, 0)) == 150


def test_a_failed_commit_answers_every_waiting_caller_with_an_error(tmp_path):
    engine = log_engine(f"sqlite:///{tmp_path / 'ops.db'}", writer=True)

    def broken(_engine, _items):
        raise OSError("disk full")

    writer = GroupCommitWriter(engine, commit=broken)

    async def main():
        return await asyncio.gather(*(writer.submit(_row(f"k{i}")) for i in range(10)), return_exceptions=True)

    results = asyncio.run(main())
    writer.close()
    assert all(isinstance(r, OSError) for r in results)
    assert events_after(engine, 0) == []
