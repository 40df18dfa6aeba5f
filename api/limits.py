"""Bounds on what a caller may ask: depth, aliases, list sizes and cost of a parsed query
before it runs, and per-key rate limits with a block on bursts of lookup misses.

Cost counts every field once and multiplies what is under a list by how many items it may
return (its `first` argument, or the list's default), so a query that fans out is refused
up front instead of after it has loaded the store.

Rate limits are a token bucket per API key, refilled at the rate its role has in settings
(hub.settings.RateLimit). A request takes one token per top-level field of each of its
operations (aliases and batched operations counted one by one), so ten lookups cost ten
whether sent as ten requests, one batch or one document with aliases. Lookups that find
nobody are counted per key over the last minute; past the role's threshold the key is
blocked for a while (the caller learns the digits behind 138****8000 no faster than that).
Buckets are per process: with N workers a key may reach N times its rate.

A Deadline bounds a request's time: the store's connections check it (SQLite's progress
handler aborts a statement past it, PostgreSQL gets statement_timeout) and so does every
read the service layer makes, so work past the deadline stops instead of running on.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

from hub.settings import RateLimit

MAX_DEPTH = 8
MAX_ALIASES = 10
MAX_FIRST = 100
MAX_COST = 2_000
# items a list field is assumed to return when the query does not say (its SDL default)
LIST_SIZES = {"searchCustomers": 20, "vehicles": 20, "recentCalls": 10, "openWorkOrders": 20, "phones": 10, "edges": 1}


class LimitError(ValueError):
    """The query breaks a bound; the message says which and the allowed maximum."""


@dataclass(frozen=True)
class _Cost:
    """What a selection set adds: its cost, how many selection-set levels it spans
    (itself included) and the aliases in it, fragments expanded."""

    cost: int
    height: int
    aliases: int


_EMPTY = _Cost(0, 0, 0)


@dataclass
class _Walk:
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    first_variables: set[str] = field(default_factory=set)
    # each fragment is costed once, however often it is spread: the walk is linear in the document
    fragment_costs: dict[str, _Cost] = field(default_factory=dict)


def _first(node: FieldNode, walk: _Walk) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            walk.first_variables.add(value.name.value)
            given = walk.variables.get(value.name.value)
            return given if isinstance(given, int) else None
    return None


def _too_deep(depth: int) -> LimitError:
    return LimitError(f"query depth exceeds the maximum of {MAX_DEPTH}")


def _cost(selection_set: SelectionSetNode | None, walk: _Walk, depth: int, seen: frozenset[str]) -> _Cost:
    """The cost of a selection set found at `depth` (the operation's own is at 1)."""
    if selection_set is None:
        return _EMPTY
    if depth > MAX_DEPTH:
        raise _too_deep(depth)
    total, height, aliases = 0, 1, 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                aliases += 1
            first = _first(selection, walk)
            if first is not None and not 0 <= first <= MAX_FIRST:
                raise LimitError(f"`first` on {selection.name.value} must be between 0 and {MAX_FIRST}, got {first}")
            size = first if first is not None else LIST_SIZES.get(selection.name.value, 1)
            inner = _cost(selection.selection_set, walk, depth + 1, seen)
            total += 1 + size * inner.cost
            height, aliases = max(height, 1 + inner.height), aliases + inner.aliases
            continue
        if isinstance(selection, InlineFragmentNode):
            inner = _cost(selection.selection_set, walk, depth, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                continue  # validation reports unknown and cyclic fragments
            inner = walk.fragment_costs.get(name)
            if inner is None:
                inner = walk.fragment_costs[name] = _cost(fragment.selection_set, walk, depth, seen | {name})
            elif depth + inner.height - 1 > MAX_DEPTH:
                raise _too_deep(depth)
        else:
            continue
        total, height, aliases = total + inner.cost, max(height, inner.height), aliases + inner.aliases
    return _Cost(total, height, aliases)


@dataclass(frozen=True)
class Bounds:
    cost: int
    # variables that set a `first`: with other variables the check need not be repeated
    first_variables: frozenset[str]
    # top-level fields of the largest operation (aliases each count): its rate-limit tokens
    root_fields: int = 1


def _root_fields(selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode],
                 memo: dict[str, int], seen: frozenset[str]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments, memo, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                if name not in memo:
                    memo[name] = _root_fields(fragments[name].selection_set, fragments, memo, seen | {name})
                count += memo[name]
    return count


def check_limits(document: DocumentNode, variables: Mapping[str, Any] | None) -> Bounds:
    """The query's estimated cost; raises LimitError when any bound is broken."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(fragments=fragments, variables=variables or {})
    cost = aliases = 0
    roots, memo = 1, {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            counted = _cost(definition.selection_set, walk, 1, frozenset())
            cost, aliases = cost + counted.cost, aliases + counted.aliases
            roots = max(roots, _root_fields(definition.selection_set, fragments, memo, frozenset()))
    if aliases > MAX_ALIASES:
        raise LimitError(f"query uses {aliases} aliases; the maximum is {MAX_ALIASES}")
    if cost > MAX_COST:
        raise LimitError(f"query cost {cost} exceeds the maximum of {MAX_COST}; ask for fewer items with `first`")
    return Bounds(cost, frozenset(walk.first_variables), roots)


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
                               f"at once ({limit.per_second:g} a second): split it", math.ceil(tokens / limit.per_second))
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
