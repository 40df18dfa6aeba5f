"""Per-key rate limits and the block on bursts of lookup misses.

A token bucket per API key, refilled at the rate its role has in settings
(hub.settings.RateLimit). A request takes one token per top-level field of each of its
operations (api.limits.Bounds.root_fields: aliases and batched operations counted one by
one), so ten lookups cost ten whether sent as ten requests, one batch or one document with
aliases. Lookups that find nobody are counted per key over the last minute; past the
role's threshold the key is blocked for a while, so a caller learns the digits behind
138****8000 no faster than that. Buckets are per process: with N workers a key may reach
N times its rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hub.settings import RateLimit

MISS_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class Refusal:
    """Why a key must wait (HTTP 429) and for how many seconds (Retry-After)."""

    message: str
    retry_after: int


@dataclass
class _Bucket:
    tokens: float
    at: float
    misses: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


class RateLimiter:
    """Token buckets and miss counts per API key, in this process (thread-safe)."""

    def __init__(self, limits: Mapping[str, RateLimit], block_seconds: float,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._limits = limits
        self.block_seconds = block_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key_id: str, limit: RateLimit, now: float) -> _Bucket:
        bucket = self._buckets.get(key_id)
        if bucket is None:
            bucket = self._buckets[key_id] = _Bucket(float(limit.burst), now)
            if len(self._buckets) > self._max_keys:  # bounded: the least recently seen key goes
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(key_id)
        bucket.tokens = min(float(limit.burst), bucket.tokens + (now - bucket.at) * limit.per_second)
        bucket.at = now
        return bucket

    def take(self, key_id: str, role: str, tokens: int) -> Refusal | None:
        """Take `tokens` for one request; None when it may run, else the refusal."""
        limit = self._limits[role]
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key_id, limit, now)
            if bucket.blocked_until > now:
                wait = bucket.blocked_until - now
                return Refusal(f"this key is blocked for {math.ceil(wait)} s after more than "
                               f"{limit.misses_per_minute} lookups that found nobody in a minute", math.ceil(wait))
            if tokens > limit.burst:
                return Refusal(f"the request makes {tokens} calls; a {role} key may make at most {limit.burst} "
                               f"at once ({limit.per_second:g} a second): split it",
                               math.ceil(tokens / limit.per_second))
            if bucket.tokens < tokens:
                wait = math.ceil((tokens - bucket.tokens) / limit.per_second)
                return Refusal(f"rate limit: a {role} key makes at most {limit.per_second:g} calls a second "
                               f"(bursts of {limit.burst}); retry after {wait} s", wait)
            bucket.tokens -= tokens
            return None

    def missed(self, key_id: str, role: str, count: int) -> int | None:
        """Count `count` lookups that found nobody; when they pass the role's threshold in the
        last minute, block the key and return how many there were (else None)."""
        limit = self._limits[role]
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key_id, limit, now)
            bucket.misses.extend([now] * count)
            while bucket.misses and bucket.misses[0] <= now - MISS_WINDOW_SECONDS:
                bucket.misses.popleft()
            if len(bucket.misses) <= limit.misses_per_minute:
                return None
            burst = len(bucket.misses)
            bucket.misses.clear()
            bucket.blocked_until = now + self.block_seconds
            return burst
