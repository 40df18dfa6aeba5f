"""The API's side of the audit log (hub/audit.py): reads queued, written in batches.

One commit per request would cost more than the lookup it audits; entries are queued and
appended to the hash chain every `interval` seconds (and on shutdown). An entry leaves
the queue only once the transaction holding it has committed: a locked or unreachable
ops store delays the audit, it never drops a row. What a crash can lose is what was
queued in the last interval; docs/design.md's "every read audited" is kept to that bound.
Reads fail closed: while more than `max_pending` entries wait (the store has refused
writes for a while), the service answers reads with 503 instead of serving unaudited data.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy.engine import Engine

from api.keys import Principal
from hub import audit

log = logging.getLogger(__name__)
# the answer (HTTP 503) to a read while the audit log is backlogged: the API fails closed
PAUSED = "reads are paused: the audit log cannot be written now"


class AuditLog:
    def __init__(self, engine: Engine, chain_key: bytes, interval: float = 0.2, batch: int = 5_000,
                 max_pending: int = 50_000) -> None:
        self._engine = engine
        self._key = chain_key
        self._interval = interval
        self._batch = batch
        self._max_pending = max_pending
        self._pending: deque[audit.Entry] = deque()
        self._write_lock = threading.Lock()  # one flush at a time: the writer thread or close()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def record(self, principal: Principal, customer_ids: list[str], action: str = "profile_read", **detail) -> None:
        self._pending.extend(audit.entries_for(action, principal.key_id, principal.role, customer_ids, **detail))

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def backlogged(self) -> bool:
        """True while the queue is past its bound: reads must be refused (fail closed)."""
        return len(self._pending) > self._max_pending

    def flush(self) -> int:
        """Append every queued entry now; returns how many were written. An entry is taken
        off the queue only after its batch committed, so a failure leaves it queued."""
        written = 0
        with self._write_lock:
            while self._pending:
                batch = [self._pending[i] for i in range(min(self._batch, len(self._pending)))]
                audit.append(self._engine, self._key, batch)
                for _ in batch:
                    self._pending.popleft()
                written += len(batch)
        return written

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception as error:  # the rows stay queued; retried at the next interval
                log.error("audit flush failed, %d entries kept for retry: %s", len(self._pending), type(error).__name__)

    def close(self, retries: int = 25) -> None:
        """Stop the writer and write what is left, retrying while the store is busy."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for attempt in range(retries):
            try:
                self.flush()
                return
            except Exception as error:
                log.error("audit flush at shutdown failed (attempt %d): %s", attempt + 1, type(error).__name__)
                self._stop.wait(0.2)
        log.critical("audit: %d entries could not be written at shutdown", len(self._pending))


def audited_rows(rows: Iterable[dict], record: Callable[[list[str]], None], id_field: str = "customerId",
                 every: int = 500) -> Iterator[dict]:
    """Pass rows through, recording the customer of each one as it goes out (in groups of
    `every`, and the rest at the end): an export stopped half-way audits what it sent."""
    sent: list[str] = []
    try:
        for row in rows:
            sent.append(row[id_field])
            if len(sent) >= every:
                record(sent)
                sent = []
            yield row
    finally:
        if sent:
            record(sent)
