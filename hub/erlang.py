"""Erlang C staffing: how many agents an interval needs for a service-level target.

Pure math, shared by the forecast model (which plans every forecast interval) and the
API (which re-plans for a caller's target). Calls arrive as a Poisson stream, handle
times are exponential, callers wait in one queue and nobody hangs up (Erlang C). The
agents needed are the fewest that meet the service level AND keep occupancy at or under
the maximum; the scheduled agents add shrinkage (breaks, training, absence):
scheduled = ceil(needed / (1 - shrinkage)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_MAX_AGENTS = 100_000


@dataclass(frozen=True)
class Staffing:
    """Agents for one interval and what they achieve."""

    agents: int
    scheduled_agents: int
    service_level: float
    occupancy: float
    average_speed_of_answer_seconds: float
    traffic_erlangs: float


def _check(name: str, value: float, rule: str, ok: bool) -> None:
    if not ok:
        raise ValueError(f"{name}={value!r}: must be {rule}")


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call waits, with `agents` agents and `traffic` Erlangs
    (agents > traffic). Built on the Erlang B recursion, which never overflows."""
    _check("agents", agents, f"more than the traffic ({traffic:.3f} Erlangs)", agents > traffic)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht_seconds: float, answer_within_seconds: float) -> float:
    """Share of calls answered within `answer_within_seconds`."""
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1 - wait * math.exp(-(agents - traffic) * answer_within_seconds / aht_seconds)


def average_speed_of_answer(agents: int, traffic: float, aht_seconds: float) -> float:
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def required_agents(
    calls: float,
    aht_seconds: float,
    *,
    interval_seconds: float = 1800,
    target_service_level: float = 0.8,
    answer_within_seconds: float = 20,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.3,
) -> Staffing:
    """Fewest agents for `calls` arriving in one interval of `interval_seconds` with mean
    handle time `aht_seconds` that answer `target_service_level` of them within
    `answer_within_seconds` at no more than `max_occupancy`; scheduled adds `shrinkage`."""
    _check("calls", calls, "a number of calls >= 0", calls >= 0 and math.isfinite(calls))
    _check("aht_seconds", aht_seconds, "> 0", aht_seconds > 0)
    _check("interval_seconds", interval_seconds, "> 0", interval_seconds > 0)
    _check("target_service_level", target_service_level, "between 0 and 1, below 1", 0 < target_service_level < 1)
    _check("answer_within_seconds", answer_within_seconds, ">= 0", answer_within_seconds >= 0)
    _check("max_occupancy", max_occupancy, "between 0 (excluded) and 1", 0 < max_occupancy <= 1)
    _check("shrinkage", shrinkage, "between 0 and 1 (1 excluded)", 0 <= shrinkage < 1)
    traffic = calls * aht_seconds / interval_seconds
    if traffic == 0:
        return Staffing(0, 0, 1.0, 0.0, 0.0, 0.0)
    agents = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - 1e-9))
    while service_level(agents, traffic, aht_seconds, answer_within_seconds) < target_service_level:
        agents += 1
        if agents > _MAX_AGENTS:  # pragma: no cover - a target of 1.0 is refused above
            raise ValueError(f"target_service_level={target_service_level}: not reachable")
    return Staffing(
        agents=agents,
        scheduled_agents=math.ceil(agents / (1 - shrinkage) - 1e-9),
        service_level=service_level(agents, traffic, aht_seconds, answer_within_seconds),
        occupancy=traffic / agents,
        average_speed_of_answer_seconds=average_speed_of_answer(agents, traffic, aht_seconds),
        traffic_erlangs=traffic,
    )
