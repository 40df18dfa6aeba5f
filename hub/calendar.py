"""The contact center's calendar: its time zone, and the public holidays of mainland China
(used by the simulator and the arrival forecast).

The time zone is one named constant, not a setting: the marts turn UTC into local days and
half hours by a fixed offset (transforms/macros/time.sql, exact and portable between DuckDB
and PostgreSQL only for a zone without daylight saving), and the holidays, the simulator and
the forecast's features are mainland China's. A setting that accepted any zone would be
wrong without saying so; moving the hub is a code change, and tests/hub/test_calendar_time.py
checks the offset against the tz database and the dbt project's copy of it.

Ranges are the State Council's published arrangements (2027 is provisional, from
the lunar calendar, until it is published). Make-up working days are not listed.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Upstream systems export naive local times in this zone; schedules run on its clock.
TIMEZONE = "Asia/Shanghai"
# Its offset from UTC, constant since 1991 (no daylight saving): local = UTC + UTC_OFFSET.
UTC_OFFSET_HOURS = 8
UTC_OFFSET = timedelta(hours=UTC_OFFSET_HOURS)

_HOLIDAY_RANGES: tuple[tuple[str, date, date], ...] = (
    ("new_year", date(2025, 1, 1), date(2025, 1, 1)),
    ("spring_festival", date(2025, 1, 28), date(2025, 2, 4)),
    ("qingming", date(2025, 4, 4), date(2025, 4, 6)),
    ("labour_day", date(2025, 5, 1), date(2025, 5, 5)),
    ("dragon_boat", date(2025, 5, 31), date(2025, 6, 2)),
    ("national_day", date(2025, 10, 1), date(2025, 10, 8)),
    ("new_year", date(2026, 1, 1), date(2026, 1, 3)),
    ("spring_festival", date(2026, 2, 15), date(2026, 2, 23)),
    ("qingming", date(2026, 4, 4), date(2026, 4, 6)),
    ("labour_day", date(2026, 5, 1), date(2026, 5, 5)),
    ("dragon_boat", date(2026, 6, 19), date(2026, 6, 21)),
    ("mid_autumn", date(2026, 9, 25), date(2026, 9, 27)),
    ("national_day", date(2026, 10, 1), date(2026, 10, 7)),
    ("new_year", date(2027, 1, 1), date(2027, 1, 3)),
    ("spring_festival", date(2027, 2, 5), date(2027, 2, 11)),
    ("qingming", date(2027, 4, 3), date(2027, 4, 5)),
    ("labour_day", date(2027, 5, 1), date(2027, 5, 5)),
    ("dragon_boat", date(2027, 6, 9), date(2027, 6, 11)),
    ("mid_autumn", date(2027, 9, 15), date(2027, 9, 17)),
    ("national_day", date(2027, 10, 1), date(2027, 10, 7)),
)


@lru_cache(maxsize=1)
def holidays() -> dict[date, str]:
    """Every public holiday date with the holiday's name."""
    days: dict[date, str] = {}
    for name, first, last in _HOLIDAY_RANGES:
        day = first
        while day <= last:
            days[day] = name
            day += timedelta(days=1)
    return days


def holiday_name(day: date) -> str | None:
    """The holiday that falls on this date, or None on an ordinary day."""
    return holidays().get(day)


def is_holiday(day: date) -> bool:
    return day in holidays()
