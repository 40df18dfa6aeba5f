"""The dispatch system's roster: field engineers, their region office, skills and shifts.

Every region office employs ENGINEERS_PER_REGION engineers (the ids the ticketing system
names on work orders: E<region index><number>). Each repairs two to four components,
works a day (08:00-20:00) or a night shift (20:00-08:00 next morning) four days in six,
and misses a shift now and then. The roster export of a day holds the shifts that start
that day, published at 06:00; the truth table engineer_shifts holds the same shifts.
"""

from __future__ import annotations

import numpy as np

from hub.vocabulary import COMPONENTS
from ingestion.simulator import places
from ingestion.simulator.config import DAY

ENGINEERS_PER_REGION = 200
SHIFT_HOURS = {"day": (8, 20), "night": (20, 32)}  # local clock; the night shift ends the next morning
CYCLE_DAYS, WORKED_DAYS = 6, 4
ABSENCE = 0.05  # share of planned shifts not worked (sick, leave): left off the roster
PUBLISHED_HOUR = 6


def engineer_id(region_index: int | np.ndarray, number: int | np.ndarray) -> np.ndarray:
    return np.array([f"E{r}{k:03d}" for r, k in zip(np.atleast_1d(region_index), np.atleast_1d(number), strict=True)],
                    dtype=object)


class Roster:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        regions = len(places.REGIONS)
        n = regions * ENGINEERS_PER_REGION
        region = np.repeat(np.arange(regions), ENGINEERS_PER_REGION)
        self.engineer_id = engineer_id(region, np.tile(np.arange(ENGINEERS_PER_REGION), regions))
        self.region_office = np.array(places.REGIONS, dtype=object)[region]
        self.skills = np.array([";".join(sorted(rng.choice(COMPONENTS, int(k), replace=False)))
                                for k in rng.integers(2, 5, n)], dtype=object)
        self.night = rng.random(n) < 0.25
        self.offset = rng.integers(0, CYCLE_DAYS, n)

    def day(self, day: int) -> dict[str, np.ndarray]:
        """The shifts starting on this day, as the day's roster file carries them."""
        worked = ((day + self.offset) % CYCLE_DAYS < WORKED_DAYS) & (self.rng.random(len(self.offset)) >= ABSENCE)
        i = np.flatnonzero(worked)
        start = np.where(self.night[i], SHIFT_HOURS["night"][0], SHIFT_HOURS["day"][0])
        end = np.where(self.night[i], SHIFT_HOURS["night"][1], SHIFT_HOURS["day"][1])
        k = len(i)
        return {
            "engineer_id": self.engineer_id[i], "region_office": self.region_office[i], "skills": self.skills[i],
            "on_duty_from": day * DAY + start * 3_600, "on_duty_to": day * DAY + end * 3_600,
            "updated_at": np.full(k, day * DAY + PUBLISHED_HOUR * 3_600), "_day": np.full(k, day),
        }
