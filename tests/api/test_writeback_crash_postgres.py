"""The crash tests of test_writeback_crash.py with the ops store on PostgreSQL and two API
worker processes (issue 20, item 6): the whole server (supervisor and both workers) is
killed with SIGKILL again and again under a write and read load; afterwards every acknowledged write-back
is in the log exactly once with the answer its client got, commit order is seq order (a
watermark reader saw every seq), and every answered read has its audit row in a chain
that verifies."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa

from api.keys import create_key
from api.ops import ops_engine
from hub import audit
from hub.settings import Settings
from hub.writeback import log_engine
from hub.writeback.store import events_after
from tests.api.conftest import publish_fixture
from tests.postgres import fresh_database
from tests.api.test_writeback_crash import READERS, Server, _client, _reader

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("writeback_crash")]

CLIENTS = 8
PER_CLIENT = 40  # 320 mutations: fewer than on SQLite, as each restart starts two workers
KILLS = 3
WORKERS = 2


def _settings(tmp_path, postgres_url: str) -> Settings:
    return publish_fixture(Settings(data_dir=tmp_path / "var", ops_url=fresh_database(postgres_url, "crash")))


def _watch(url: str, stop: threading.Event, seen: list[int]) -> None:
    """A reader advancing a watermark as the ops export does: a seq committed after a higher
    one it had already passed would be skipped for good and missing from `seen`."""
    engine = log_engine(url)
    watermark = 0
    try:
        while True:
            finished = stop.is_set()
            try:
                for row in events_after(engine, watermark):
                    seen.append(row["seq"])
                    watermark = row["seq"]
            except sa.exc.OperationalError:
                time.sleep(0.05)
                continue
            if finished:
                return
            time.sleep(0.01)
    finally:
        engine.dispose()


def test_sigkill_two_postgres_workers_lose_skip_and_duplicate_nothing(tmp_path, postgres_url):
    """Writers, readers and a watermark reader at once (one run: each restart of two workers
    costs seconds, so the write and read checks share the kills)."""
    settings = _settings(tmp_path, postgres_url)
    engine = ops_engine(settings.ops_url)
    writer_key = create_key(engine, "contact_engine", "crash writes pg")
    reader_key = create_key(engine, "agent", "crash reads pg")
    server = Server(settings, workers=WORKERS)
    server.start()
    url = f"http://127.0.0.1:{server.port}"
    acknowledged: dict[str, dict] = {}
    attempts = [0] * CLIENTS
    stop, answered, seen = threading.Event(), [], []
    writers = [threading.Thread(target=_client, args=(url, writer_key, i, acknowledged, attempts, PER_CLIENT))
               for i in range(CLIENTS)]
    others = [threading.Thread(target=_reader, args=(url, reader_key, stop, answered)) for _ in range(READERS // 2)]
    others.append(threading.Thread(target=_watch, args=(settings.ops_url, stop, seen)))
    for thread in [*writers, *others]:
        thread.start()
    try:
        while server.kills < KILLS and any(t.is_alive() for t in writers):
            time.sleep(0.5)
            server.kill()
            server.start()
        for thread in writers:
            thread.join()
    finally:
        stop.set()
        for thread in others:
            thread.join()
        server.kill(count=False)

    assert server.kills == KILLS
    assert sum(attempts) > CLIENTS * PER_CLIENT, "some requests must have gone unanswered and been retried"
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    with engine.connect() as con:
        rows = con.exec_driver_sql(
            "select seq, event_id, idempotency_key, payload, response from writeback_events order by seq").fetchall()
    by_key = {}
    for _seq, event_id, idem, payload, response in rows:
        assert idem not in by_key, f"{idem} written twice"
        by_key[idem] = (event_id, _json(payload), _json(response))
    # every acknowledged mutation exactly once, with the very answer its client got, and nothing else
    assert set(by_key) == set(acknowledged)
    for idem, answer in acknowledged.items():
        event_id, payload, response = by_key[idem]
        assert {name: response[name] for name in answer} == answer and answer["eventId"] == event_id
        assert payload["contact_id"] == idem
    seqs = [row[0] for row in rows]
    assert seqs == sorted(set(seqs))
    # the watermark reader, running through every kill, saw every committed seq once, in order
    assert seen == seqs
    # every answered read has its audit row, in a chain that verifies
    assert answered, "the read load must have been answered at times"
    reads = audit.read(engine, action="profile_read", limit=1_000_000)
    assert len(reads) >= len(answered), f"{len(answered)} reads answered, {len(reads)} audited"
    assert audit.verify(engine, audit.chain_key(settings)).ok
    engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
