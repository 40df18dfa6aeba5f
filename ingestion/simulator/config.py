"""The two scales the simulator runs at, and the clock it counts time on.

Times inside the simulator are int64 seconds of Beijing wall-clock time since
1970-01-01 00:00 (the upstream systems export naive local times); UTC is only
computed where an export needs it (telematics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hub import calendar

DAY = 86_400
UTC_OFFSET = int(calendar.UTC_OFFSET.total_seconds())  # seconds; the zone has no daylight saving
EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


@dataclass(frozen=True)
class Scale:
    """How big a run is. Volumes are per day unless named otherwise."""

    name: str
    start: date
    days: int
    customers: int  # distinct persons and fleets (CRM records come out ~6% more)
    fleet_share: float
    history_years: int
    large_fleet_vehicles: tuple[int, int]  # range of a large fleet's vehicle count
    background_calls: float  # inbound calls per ordinary weekday not caused by a breakdown
    connected_vehicles: int
    reading_interval_min: int
    failure_scale: float  # multiplies the catalog's per-vehicle failure rates
    mess_days_per_kind: int  # on how many daily files each row-level defect is injected
    future_days: int = 365

    @property
    def first_day(self) -> int:
        return day_number(self.start)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


SCALES = {
    "demo": Scale(
        name="demo",
        start=date(2026, 1, 1),
        days=90,
        customers=4_700,
        fleet_share=0.10,
        history_years=3,
        large_fleet_vehicles=(20, 60),
        background_calls=265.0,
        connected_vehicles=1_500,
        reading_interval_min=120,
        failure_scale=1.5,
        mess_days_per_kind=2,
    ),
    # Ten times the demo's customers and traffic over the same 90 days (~0.6 GB of landing
    # files, a few minutes to simulate): for measuring where bench scale is out of reach.
    "mid": Scale(
        name="mid",
        start=date(2026, 1, 1),
        days=90,
        customers=47_000,
        fleet_share=0.10,
        history_years=3,
        large_fleet_vehicles=(20, 60),
        background_calls=2_650.0,
        connected_vehicles=15_000,
        reading_interval_min=120,
        failure_scale=1.5,
        mess_days_per_kind=2,
    ),
    "bench": Scale(
        name="bench",
        start=date(2025, 4, 1),
        days=365,
        customers=940_000,
        fleet_share=0.10,
        history_years=3,
        large_fleet_vehicles=(20, 60),
        background_calls=18_500.0,
        connected_vehicles=50_000,
        reading_interval_min=120,
        failure_scale=1.2,
        mess_days_per_kind=3,
    ),
}


def get_scale(name: str) -> Scale:
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; choose one of: {', '.join(SCALES)}")
    return SCALES[name]
