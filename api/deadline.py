"""A request's deadline: when its work must be done by, checked where the work happens.

The store's connections check it (SQLite's progress handler aborts a statement past it,
PostgreSQL gets statement_timeout) and so does every read the service layer makes, so work
past the deadline stops instead of running on (api.store, api.service).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

class DeadlineExceeded(RuntimeError):
    """The request's deadline passed; its work is being stopped."""


@dataclass
class Deadline:
    """When a request must be done by (time.monotonic()), and whether work was stopped for it."""

    seconds: float
    at: float = 0.0
    stopped: bool = False
    _settled: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.at:
            self.at = time.monotonic() + self.seconds

    def settle(self) -> bool:
        """True for the first caller only: the work (about to send and audit its answer) and
        the waiter giving up on it (about to answer 504) race here, so a read is audited
        exactly when it is sent."""
        with self._lock:
            first, self._settled = not self._settled, True
            return first

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def check(self) -> None:
        """Raise DeadlineExceeded once the deadline has passed (a cooperative stop)."""
        if time.monotonic() >= self.at:
            self.stopped = True
            raise DeadlineExceeded(f"the request's deadline of {self.seconds:g} s passed")

    def interrupt(self) -> int:
        """SQLite's progress handler: non-zero aborts the running statement."""
        if time.monotonic() >= self.at:
            self.stopped = True
            return 1
        return 0
