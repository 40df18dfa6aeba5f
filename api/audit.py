"""The audit log of profile reads, written by a background thread in batches.

One commit per request would cost more than the lookup it audits; reads are queued and
written every `interval` seconds (and on shutdown), so a crash loses at most that much.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from api.keys import Principal
from api.ops import profile_reads

log = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, engine: Engine, interval: float = 0.2) -> None:
        self._engine = engine
        self._interval = interval
        self._queue: queue.SimpleQueue[dict] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def record(self, principal: Principal, customer_ids: list[str]) -> None:
        now = datetime.now(UTC)
        for customer_id in customer_ids:
            self._queue.put({"key_id": principal.key_id, "role": principal.role, "customer_id": customer_id, "read_at": now})

    def flush(self) -> int:
        """Write every queued read now; returns how many were written."""
        rows = []
        while True:
            try:
                rows.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if rows:
            with self._engine.begin() as con:
                con.execute(profile_reads.insert(), rows)
        return len(rows)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception as error:  # keep auditing after a transient store error
                log.error("audit flush failed, will retry: %s", type(error).__name__)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.flush()
