"""When things happen: intraday and weekly shapes, holidays and the surge after them.

Calls peak around 10:00 and 15:00 with a lunch dip and quiet nights; weekends are
lower; public holidays (hub.calendar) are much lower and the first working days
after a long holiday bring the calls that waited.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from hub.calendar import holiday_name, is_holiday
from ingestion.simulator.config import from_day_number

INTERVALS = 48  # half hours
_WEEKDAY_CALLS = (1.12, 1.03, 1.0, 0.98, 0.95, 0.62, 0.50)
_WEEKDAY_DRIVING = (1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 0.75)


def _bump(hours: np.ndarray, centre: float, width: float) -> np.ndarray:
    return np.exp(-((hours - centre) ** 2) / (2 * width**2))


@lru_cache(maxsize=1)
def call_profile() -> np.ndarray:
    """Share of a day's calls in each half hour (sums to 1)."""
    h = np.arange(INTERVALS) / 2 + 0.25
    shape = 0.015 + _bump(h, 10.25, 1.3) + 0.85 * _bump(h, 15.0, 1.5) + 0.22 * _bump(h, 20.0, 1.4)
    shape -= 0.35 * _bump(h, 12.5, 0.6)
    return shape / shape.sum()


@lru_cache(maxsize=1)
def driving_profile() -> np.ndarray:
    """Share of a day's breakdowns in each half hour: when trucks are on the road."""
    h = np.arange(INTERVALS) / 2 + 0.25
    shape = 0.08 + _bump(h, 9.5, 2.5) + 0.9 * _bump(h, 15.5, 2.8)
    return shape / shape.sum()


def _holiday_run_ending(day: int) -> int:
    """How many consecutive holiday days end on this day (0 if it is a working day)."""
    run = 0
    while run < 15 and is_holiday(from_day_number(day - run)):
        run += 1
    return run


def _surge(day: int) -> float:
    """Calls held back by a holiday of three days or more come in on the next working days."""
    if is_holiday(from_day_number(day)):
        return 1.0
    if _holiday_run_ending(day - 1) >= 3:
        return 1.5
    if _holiday_run_ending(day - 2) >= 3:
        return 1.2
    return 1.0


@lru_cache(maxsize=4096)
def call_factor(day: int) -> float:
    """Volume of calls on this day relative to an ordinary Wednesday."""
    d = from_day_number(day)
    name = holiday_name(d)
    if name is not None:
        return 0.18 if name == "spring_festival" else 0.32
    return _WEEKDAY_CALLS[d.weekday()] * _surge(day)


@lru_cache(maxsize=4096)
def driving_factor(day: int) -> float:
    """How much the fleet drives on this day (breakdowns follow exposure)."""
    d = from_day_number(day)
    name = holiday_name(d)
    if name is not None:
        return 0.25 if name == "spring_festival" else 0.5
    return _WEEKDAY_DRIVING[d.weekday()]


def planned_factor(day: int) -> float:
    """What the workforce planner expected: the weekly shape, blind to holidays and surges."""
    return _WEEKDAY_CALLS[from_day_number(day).weekday()]


def times_in_day(rng: np.random.Generator, day: int, n: int, profile: np.ndarray) -> np.ndarray:
    """n local timestamps (seconds) on this day, following a half-hour profile."""
    slot = rng.choice(INTERVALS, n, p=profile)
    return day * 86_400 + slot * 1_800 + rng.integers(0, 1_800, n)
