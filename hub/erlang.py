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

# the most agents one interval is planned for: the search below never goes past it
MAX_AGENTS = 100_000
# what a caller may ask for (inclusive bounds): targets outside these are not staffing
# questions, and a tiny occupancy would ask for astronomically many agents
SERVICE_LEVEL_RANGE = (0.01, 0.999)
MAX_OCCUPANCY_RANGE = (0.1, 1.0)
SHRINKAGE_RANGE = (0.0, 0.9)
ANSWER_WITHIN_SECONDS_RANGE = (0, 3600)


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


def _check_range(name: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    _check(name, value, f"between {low} and {high}", low <= value <= high)


def _erlang_b(agents: int, traffic: float) -> float:
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def _service_level(agents: int, traffic: float, blocking: float, aht_seconds: float, within: float) -> float:
    wait = agents * blocking / (agents - traffic * (1 - blocking))
    return 1 - wait * math.exp(-(agents - traffic) * within / aht_seconds)


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call waits, with `agents` agents and `traffic` Erlangs
    (agents > traffic). Built on the Erlang B recursion, which never overflows."""
    _check("agents", agents, f"more than the traffic ({traffic:.3f} Erlangs)", agents > traffic)
    blocking = _erlang_b(agents, traffic)
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
    _check("aht_seconds", aht_seconds, "> 0 and finite", aht_seconds > 0 and math.isfinite(aht_seconds))
    _check("interval_seconds", interval_seconds, "> 0", interval_seconds > 0)
    _check_range("target_service_level", target_service_level, SERVICE_LEVEL_RANGE)
    _check_range("answer_within_seconds", answer_within_seconds, ANSWER_WITHIN_SECONDS_RANGE)
    _check_range("max_occupancy", max_occupancy, MAX_OCCUPANCY_RANGE)
    _check_range("shrinkage", shrinkage, SHRINKAGE_RANGE)
    traffic = calls * aht_seconds / interval_seconds
    if traffic == 0:
        return Staffing(0, 0, 1.0, 0.0, 0.0, 0.0)
    agents = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - 1e-9))
    _check("traffic", traffic, f"at most {MAX_AGENTS * max_occupancy:.0f} Erlangs (at most {MAX_AGENTS} agents)",
           agents <= MAX_AGENTS)
    # Erlang B for `agents`, then one recursion step per extra agent: the search is linear
    blocking = _erlang_b(agents, traffic)
    while _service_level(agents, traffic, blocking, aht_seconds, answer_within_seconds) < target_service_level:
        agents += 1
        _check("target_service_level", target_service_level, f"reachable with at most {MAX_AGENTS} agents",
               agents <= MAX_AGENTS)
        blocking = traffic * blocking / (agents + traffic * blocking)
    return Staffing(
        agents=agents,
        scheduled_agents=math.ceil(agents / (1 - shrinkage) - 1e-9),
        service_level=service_level(agents, traffic, aht_seconds, answer_within_seconds),
        occupancy=traffic / agents,
        average_speed_of_answer_seconds=average_speed_of_answer(agents, traffic, aht_seconds),
        traffic_erlangs=traffic,
    )
