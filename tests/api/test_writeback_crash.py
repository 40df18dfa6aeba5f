"""Crash safety of write-backs: the API is killed with SIGKILL again and again while clients
send thousands of mutations with unique keys and retry each unanswered one; afterwards every
acknowledged mutation is in the log exactly once, with the answer its client got, and no
row is half-written."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from tests.api.conftest import publish_fixture, unlimited_env
from tests.conftest import ROOT, free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("writeback_crash")]

MUTATION = """mutation($k: String!, $i: ContactInput!) {
  recordContact(idempotencyKey: $k, input: $i) { eventId customerId recordedAt } }"""
CLIENTS = 16
PER_CLIENT = 200  # 3,200 mutations: enough traffic to outlast the KILLS restarts on a quiet machine
KILLS = 6


class Server:
    """The API app under uvicorn (what `hub serve --workers 1` runs, without the CLI's plugin
    loading), in a process group of its own, killed with SIGKILL and started again."""

    def __init__(self, settings: Settings, workers: int = 1) -> None:
        self.env, self.port, self.workers = unlimited_env(settings), free_port(), workers
        self.start_seconds = 30 * workers  # each worker imports the app on its own
        if settings.ops_url != Settings(data_dir=settings.data_dir).ops_url:
            self.env["HUB_OPS_URL"] = settings.ops_url
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(self.port),
             "--workers", str(self.workers), "--http", "h11", "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("hub serve did not start")

    def kill(self, count: bool = True) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.kills += count


def _client(url: str, key: str, index: int, acknowledged: dict, attempts: list, per_client: int = PER_CLIENT) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, timeout=2.0, headers=headers) as client:
        for n in range(per_client):
            idem = f"crash-{index}-{n}"
            data = {"customerId": "CU1", "channel": "call", "direction": "inbound", "disposition": "resolved",
                    "startedAt": "2026-11-23T09:00:00Z", "contactId": idem}
            while True:
                attempts[index] += 1
                try:
                    response = client.post("/graphql", json={"query": MUTATION, "variables": {"k": idem, "i": data}})
                except httpx.HTTPError:
                    time.sleep(0.02)  # unanswered: the server died; retry the same key and input
                    continue
                body = response.json()
                if response.status_code == 200 and body.get("data"):
                    acknowledged[idem] = body["data"]["recordContact"]
                    break
                time.sleep(0.02)  # an internal error is unacknowledged too


def test_sigkill_under_load_loses_and_duplicates_nothing(tmp_path):
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    key = create_key(ops_engine(settings.ops_url), "contact_engine", "crash test")
    server = Server(settings)
    server.start()
    acknowledged: dict[str, dict] = {}
    attempts = [0] * CLIENTS
    threads = [threading.Thread(target=_client, args=(f"http://127.0.0.1:{server.port}", key, i, acknowledged, attempts))
               for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        # killed mid-stream KILLS times, a third of a second of traffic after each restart; then
        # the clients finish their retries against the last server
        while server.kills < KILLS and any(t.is_alive() for t in threads):
            time.sleep(0.33)
            server.kill()
            server.start()
        for thread in threads:
            thread.join()
    finally:
        server.kill(count=False)

    assert server.kills == KILLS
    assert sum(attempts) > CLIENTS * PER_CLIENT, "some requests must have gone unanswered and been retried"
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    with sqlite3.connect(settings.data_dir / "ops.db") as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        rows = con.execute(
            "select seq, event_id, idempotency_key, payload, response from writeback_events order by seq").fetchall()
    by_key = {}
    for seq, event_id, idem, payload, response in rows:
        assert idem not in by_key, f"{idem} written twice"
        by_key[idem] = (event_id, json.loads(payload), json.loads(response))
    # every acknowledged mutation exactly once, with the very answer its client got ...
    assert set(by_key) == set(acknowledged)
    for idem, answer in acknowledged.items():
        event_id, payload, response = by_key[idem]
        assert {name: response[name] for name in answer} == answer and answer["eventId"] == event_id
        assert payload["contact_id"] == idem  # the event is whole: its key and its payload agree
    # ... and nothing else: no row without its acknowledgement, seq strictly increasing
    seqs = [row[0] for row in rows]
    assert seqs == sorted(set(seqs))


READ = '{ customer(id: "CU1") { id name } }'
READERS = 8


def _reader(url: str, key: str, stop: threading.Event, answered: list) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, timeout=2.0, headers=headers) as client:
        while not stop.is_set():
            try:
                response = client.post("/graphql", json={"query": READ})
            except httpx.HTTPError:
                time.sleep(0.02)  # the server died mid-request: nothing was answered
                continue
            if response.status_code == 200 and (response.json().get("data") or {}).get("customer"):
                answered.append(1)


def test_sigkill_loses_no_audited_read(tmp_path):
    """Reads are answered only after their audit entry committed: the API killed with
    SIGKILL again and again under a read load leaves at least one audit row per answered
    read, and a chain that verifies (issue 18: no audited read is lost)."""
    from hub import audit

    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    engine = ops_engine(settings.ops_url)
    key = create_key(engine, "agent", "crash reads")
    server = Server(settings)
    server.start()
    stop, answered = threading.Event(), []
    threads = [threading.Thread(target=_reader, args=(f"http://127.0.0.1:{server.port}", key, stop, answered))
               for _ in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(KILLS):
            time.sleep(0.5)
            server.kill()
            server.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.kill(count=False)
    assert answered, "the load must have been answered at times"
    reads = audit.read(engine, action="profile_read", limit=1_000_000)
    assert len(reads) >= len(answered), f"{len(answered)} reads answered, {len(reads)} audited"
    assert audit.verify(engine, audit.chain_key(settings)).ok
