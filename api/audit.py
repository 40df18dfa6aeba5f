"""The API's side of the audit log (hub/audit.py): reads audited before they are answered.

A read's entries are queued and a writer thread appends whatever is queued to the hash
chain in one transaction (group commit: concurrent reads share a commit, so one commit per
request is not paid under load). The service waits for its entries' commit before it
sends the answer (`wait`), so a crash (kill -9) can lose no read that was answered: at
worst a read was audited and not sent. An entry leaves the queue only once the
transaction holding it has committed: a locked or unreachable ops store delays the audit,
it never drops a row. Reads fail closed: while more than `max_pending` entries wait, or
when a read's entries are not committed within `commit_timeout`, the service answers 503
instead of serving unaudited data.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy.engine import Engine

from api.keys import Principal
from hub import audit
from hub.writeback.store import writer_turn

log = logging.getLogger(__name__)
# the answer (HTTP 503) to a read while the audit log is backlogged: the API fails closed
PAUSED = "reads are paused: the audit log cannot be written now"


class AuditLog:
    def __init__(self, engine: Engine, chain_key: bytes, interval: float = 0.2, batch: int = 5_000,
                 max_pending: int = 50_000, commit_timeout: float = 2.0) -> None:
        self._engine = engine
        self._key = chain_key
        self._interval = interval
        self._batch = batch
        self._max_pending = max_pending
        self._commit_timeout = commit_timeout
        self._pending: deque[audit.Entry] = deque()
        self._write_lock = threading.Lock()  # one flush at a time: the writer thread or close()
        # entries ever queued and ever committed (FIFO): a read waits until its last is committed
        self._queued = self._committed = 0
        self._progress = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def record(self, principal: Principal, customer_ids: list[str], action: str = "profile_read", **detail) -> int:
        """Queue the entries of one read; returns the ticket `wait` takes."""
        entries = list(audit.entries_for(action, principal.key_id, principal.role, customer_ids, **detail))
        with self._progress:
            self._pending.extend(entries)
            self._queued += len(entries)
            ticket = self._queued
        self._wake.set()
        return ticket

    def wait(self, ticket: int, timeout: float | None = None) -> bool:
        """True once every entry queued up to `ticket` is committed; False after the timeout
        (the entries stay queued and will be written: the caller must not send the read)."""
        with self._progress:
            return self._progress.wait_for(lambda: self._committed >= ticket,
                                           self._commit_timeout if timeout is None else timeout)

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
                # one writing process at a time on SQLite (a lock file, the write-back log's
                # too): the API workers hand the store over at once instead of polling
                with writer_turn(self._engine):
                    audit.append(self._engine, self._key, batch)
                with self._progress:
                    for _ in batch:
                        self._pending.popleft()
                    self._committed += len(batch)
                    self._progress.notify_all()
                written += len(batch)
        return written

    def _run(self) -> None:
        while not self._stop.is_set():
            # woken by a read at once (its answer waits), else every interval (retries)
            self._wake.wait(self._interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception as error:  # the rows stay queued; retried at the next interval
                log.error("audit flush failed, %d entries kept for retry: %s", len(self._pending), type(error).__name__)

    def close(self, retries: int = 25) -> None:
        """Stop the writer and write what is left, retrying while the store is busy."""
        self._stop.set()
        self._wake.set()
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
    """Pass rows through in groups of `every`, each group recorded (and, when `record`
    waits for the commit, audited) before any of its rows goes out: an export stopped
    half-way has audited every row it sent, and at most one group it did not."""
    group: list[dict] = []
    for row in rows:
        group.append(row)
        if len(group) >= every:
            record([r[id_field] for r in group])
            yield from group
            group = []
    if group:
        record([r[id_field] for r in group])
        yield from group
