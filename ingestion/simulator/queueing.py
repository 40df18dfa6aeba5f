"""The contact center's queues: agents, staffing per half hour, and how long callers wait.

The planner staffs each queue by square-root staffing on the load it expected
(weekly shape only: it does not foresee holidays, surges or breakdown waves, and
some agents are absent). Each half hour is then an M/M/N queue: the chance to wait
and the mean wait come from Erlang C on the real load, so waits and abandonment
grow when the load beats the staffing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.contracts import QUEUES
from ingestion.simulator import rhythm
from ingestion.simulator.config import DAY, Scale

TALK_MEAN = np.array([330.0, 280.0, 420.0, 380.0, 540.0, 400.0, 350.0])  # seconds, by QUEUES order
PATIENCE_MEAN = np.array([130.0, 160.0, 190.0, 260.0, 170.0, 190.0, 100.0])
SITES = ("长春", "济南", "成都")


@dataclass
class Agents:
    agent_id: np.ndarray
    queue: np.ndarray  # primary queue index
    skill: np.ndarray  # >1 resolves more, talks shorter, gets better scores
    site: np.ndarray
    hired_day: np.ndarray
    left_day: np.ndarray  # -1 while employed
    first_of_queue: np.ndarray  # agents are grouped by queue
    count_of_queue: np.ndarray


def make_agents(scale: Scale, expected_daily: np.ndarray, rng: np.random.Generator) -> Agents:
    """A roster big enough for the peak half hour of each queue, with shrinkage."""
    peak = expected_daily * rhythm.call_profile().max() * 1.15
    need = np.ceil((peak * TALK_MEAN / 1_800) * 1.25 / 0.7 + 2).astype(int)
    queue = np.repeat(np.arange(len(QUEUES)), need)
    n = len(queue)
    hired = scale.first_day - rng.integers(30, 2_500, n)
    late = rng.random(n) < 0.06  # joined during the period
    hired[late] = scale.first_day + rng.integers(0, scale.days, int(late.sum()))
    left = np.where(rng.random(n) < 0.05, scale.first_day + rng.integers(0, scale.days, n), -1)
    left = np.where(left > hired, left, -1)
    return Agents(
        agent_id=np.array([f"A{q}{i:05d}" for i, q in enumerate(queue)], dtype=object),
        queue=queue,
        skill=rng.lognormal(0, 0.18, n),
        site=np.array(SITES, dtype=object)[rng.integers(0, len(SITES), n)],
        hired_day=hired,
        left_day=left,
        first_of_queue=np.cumsum(need) - need,
        count_of_queue=need,
    )


def erlang_c(servers: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Probability of waiting in M/M/N (1 where the load reaches the servers)."""
    b = np.ones_like(load)
    for k in range(1, int(servers.max()) + 1):
        nb = load * b / (k + load * b)
        b = np.where(k <= servers, nb, b)
    c = servers * b / np.maximum(servers - load * (1 - b), 1e-9)
    return np.where(servers > load, np.clip(c, 0, 1), 1.0)


def wait_model(day: int, arrivals: np.ndarray, expected_daily: np.ndarray, rng: np.random.Generator):
    """Per queue and half hour: (probability to wait, mean wait in seconds, agents staffed)."""
    planned = expected_daily[:, None] * rhythm.planned_factor(day) * rhythm.call_profile()[None, :]
    planned_load = planned * TALK_MEAN[:, None] * 1.2 / 1_800
    absent = rng.uniform(0.88, 1.0, size=(len(QUEUES), 1))
    staff = np.maximum(np.ceil((planned_load + 1.5 * np.sqrt(planned_load) + 0.5) * absent), 1)
    load = arrivals * TALK_MEAN[:, None] * 1.2 / 1_800
    p_wait = erlang_c(staff, load)
    spare = np.maximum(staff - load, 0.05)
    mean_wait = np.where(staff > load, TALK_MEAN[:, None] * 1.2 / spare, 150 + 500 * (load / staff - 1))
    return p_wait, np.minimum(mean_wait, 1_500), staff


def interval_of(at: np.ndarray) -> np.ndarray:
    return (at % DAY) // 1_800
