"""Group commit: one writer thread per API process appends every waiting write-back in
one transaction, fsyncs once, then answers each.

A durable commit costs an fsync (milliseconds on most disks); one per mutation caps a
process at a few hundred writes a second. The writer takes everything queued while the
previous commit was on its way to disk, so under load a commit carries many mutations and
each caller still hears back only once its own write is on disk. Handlers await an
asyncio future that the writer resolves from its thread.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from hub.writeback import Append, Outcome, append

log = logging.getLogger(__name__)
MAX_BATCH = 2_000


class GroupCommitWriter:
    def __init__(self, engine: Engine, commit: Callable[[Engine, list[Append]], list[Outcome]] = append) -> None:
        self._engine = engine
        self._commit = commit
        self._queue: queue.SimpleQueue[tuple[Append, asyncio.Future, asyncio.AbstractEventLoop] | None] = (
            queue.SimpleQueue()
        )
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.commits = 0  # transactions written, for the benchmark's batch-size figure

    def submit(self, item: Append) -> asyncio.Future:
        """Queue one write-back; the future resolves to its Outcome once committed."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="writeback-writer", daemon=True)
                    self._thread.start()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((item, future, loop))
        return future

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            waiting = [first]
            while len(waiting) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                waiting.append(nxt)
            self._write(waiting)

    def _write(self, waiting: list) -> None:
        items = [item for item, _, _ in waiting]
        result: list[Outcome] | BaseException
        for attempt in range(3):
            try:
                result = self._commit(self._engine, items)
                self.commits += 1
                break
            except IntegrityError as error:
                # another process wrote one of these keys between our read and insert
                # (PostgreSQL): the next attempt finds it and replays its response
                result = error
            except Exception as error:  # answered as an internal error; the caller retries
                log.error("write-back commit of %d events failed: %s", len(items), type(error).__name__)
                result = error
                break
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for index, (_, future, loop) in enumerate(waiting):
            value = result if isinstance(result, BaseException) else result[index]
            by_loop.setdefault(loop, []).append((future, value))
        for loop, answers in by_loop.items():
            loop.call_soon_threadsafe(_resolve, answers)


def _resolve(answers: list) -> None:
    for future, value in answers:
        if future.done():
            continue
        if isinstance(value, BaseException):
            future.set_exception(value)
        else:
            future.set_result(value)
