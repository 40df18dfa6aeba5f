"""The telematics gateway: readings and events of the connected vehicles.

A connected truck drives most days (less on weekends and holidays) for hours that
depend on its route type; the export keeps one reading per interval while the
engine runs. Each vehicle has a driver with a style: harsh-braking, speeding and
overloading rates are drawn per vehicle and stay with it. Breakdowns raise J1939
fault codes, cleared when the repair is done; transient faults clear by themselves.
"""

from __future__ import annotations

import numpy as np

from ingestion.simulator import catalog, places, rhythm
from ingestion.simulator.config import DAY, UTC_OFFSET
from ingestion.simulator.frames import Frame, const

SPN = np.array([f.spn for f in catalog.FAULTS])
FMI = np.array([f.fmi for f in catalog.FAULTS])


class Gateway:
    def __init__(self, connected: np.ndarray, vehicles, parties, interval_min: int, rng: np.random.Generator):
        self.rng = rng
        self.vehicle = connected
        k = len(connected)
        self.slot = np.full(vehicles.size, -1, np.int64)
        self.slot[connected] = np.arange(k)
        city = parties.city[vehicles.first_owner[connected]]
        self.home = np.c_[np.array([c.lat for c in places.CITIES])[city], np.array([c.lon for c in places.CITIES])[city]]
        self.home += rng.normal(0, 0.15, (k, 2))
        self.route = vehicles.route[connected]
        age_days = np.maximum(0, vehicles.build_day.max() - vehicles.build_day[connected])
        self.odometer = age_days * np.array(catalog.ROUTE_SPEED_KMH)[self.route] * 5 * rng.uniform(0.6, 1.2, k)
        self.engine_hours = self.odometer / np.array(catalog.ROUTE_SPEED_KMH)[self.route] * 1.25
        self.braking = rng.gamma(1.2, 0.08, k)  # harsh brakes per driving hour
        self.speeding = rng.gamma(0.8, 0.05, k)
        self.overloading = rng.beta(0.6, 6.0, k)
        self.interval = interval_min * 60
        self.vins = vehicles.vin[connected]
        self.event_seq = 0

    def day(self, day: int, failures) -> tuple[Frame, list[Frame]]:
        """Today's readings and events (events may include clears for later days)."""
        rng = self.rng
        k = len(self.vehicle)
        drives = np.flatnonzero(rng.random(k) < 0.82 * rhythm.driving_factor(day))
        hours = np.array(catalog.ROUTE_DAILY_HOURS)[self.route[drives]] * rng.uniform(0.5, 1.25, len(drives))
        count = np.maximum(1, np.rint(hours * 3_600 / self.interval)).astype(np.int64)
        start = day * DAY + rng.integers(5 * 3_600, 10 * 3_600, len(drives))
        v = np.repeat(drives, count)
        j = np.arange(len(v)) - np.repeat(np.cumsum(count) - count, count)
        at = np.repeat(start, count) + j * self.interval + rng.integers(-60, 60, len(v))
        mean_speed = np.array(catalog.ROUTE_SPEED_KMH)[self.route[v]]
        moving = rng.random(len(v)) > 0.12
        speed = np.where(moving, np.clip(rng.normal(mean_speed, mean_speed * 0.25), 3, 125), 0.0)
        dist = speed * self.interval / 3_600
        odo = self.odometer[v] + _group_cumsum(dist, count)
        eng = self.engine_hours[v] + _group_cumsum(np.full(len(v), self.interval / 3_600), count)
        np.add.at(self.odometer, v, dist)
        np.add.at(self.engine_hours, v, self.interval / 3_600)
        heading = rng.uniform(0, 2 * np.pi, len(drives))
        reach = np.repeat(np.minimum(mean_speed[np.cumsum(count) - 1] / 111.0, 0.6), count) * j * 0.3
        lat = np.clip(self.home[v, 0] + reach * np.sin(np.repeat(heading, count)) + rng.normal(0, 0.01, len(v)), 18.5, 49.5)
        lon = np.clip(self.home[v, 1] + reach * np.cos(np.repeat(heading, count)) + rng.normal(0, 0.01, len(v)), 75.5, 134.5)
        fuel = np.where(moving, 6 + speed * 0.32 + rng.normal(0, 2, len(v)), rng.uniform(1.5, 3, len(v)))
        readings = {
            "vin": self.vins[v], "reading_ts": (at - UTC_OFFSET) * 1_000 + rng.integers(0, 1_000, len(v)),
            "lat": np.round(lat, 5), "lon": np.round(lon, 5), "speed_kmh": np.round(speed, 1),
            "fuel_rate_lph": np.round(np.maximum(fuel, 0), 1), "odometer_km": np.round(odo, 1),
            "engine_hours": np.round(eng, 1), "_day": at // DAY,
        }
        events = self._driving_events(day, drives, hours, start) + self._faults(day, failures)
        return readings, events

    def _event(self, slot, at, kind, spn, fmi, value) -> Frame:
        rng = self.rng
        n = len(slot)
        self.event_seq += n
        lat = np.clip(self.home[slot, 0] + rng.normal(0, 0.3, n), 18.5, 49.5)
        lon = np.clip(self.home[slot, 1] + rng.normal(0, 0.3, n), 75.5, 134.5)
        return {
            "event_id": np.array([f"EV{self.event_seq - n + i:012d}" for i in range(n)], dtype=object),
            "vin": self.vins[slot], "event_at": at - UTC_OFFSET, "event_type": const(n, kind),
            "spn": spn, "fmi": fmi, "value": value, "lat": np.round(lat, 5), "lon": np.round(lon, 5), "_day": at // DAY,
        }

    def _driving_events(self, day, drives, hours, start) -> list[Frame]:
        rng = self.rng
        out = []
        none = lambda n: np.full(n, -1)  # noqa: E731
        expected = {  # events per driving day, by the driver's style
            "harsh_braking": self.braking[drives] * hours,
            "over_speed": self.speeding[drives] * hours,
            "overload": self.overloading[drives] * 0.3,
        }
        ranges = {"harsh_braking": (0.45, 0.85), "over_speed": (92, 125), "overload": (35, 58)}
        for kind, lam in expected.items():
            n = rng.poisson(lam)
            s = np.repeat(drives, n)
            at = np.repeat(start, n) + (rng.random(len(s)) * np.repeat(hours, n) * 3_600).astype(np.int64)
            val = np.round(rng.uniform(*ranges[kind], len(s)), 2)
            out.append(self._event(s, at, kind, none(len(s)), none(len(s)), val))
        return out

    def _faults(self, day, failures) -> list[Frame]:
        """Fault raised at each breakdown of a connected vehicle; transient faults clear within hours."""
        rng = self.rng
        slot = self.slot[failures.vehicle]
        hit = slot >= 0
        raised = self._event(slot[hit], failures.at[hit], "fault_raised", SPN[failures.fault[hit]], FMI[failures.fault[hit]],
                             np.full(int(hit.sum()), np.nan))
        raised["_failure"] = np.flatnonzero(hit)
        k = len(self.vehicle)
        t = np.flatnonzero(rng.random(k) < 0.01)
        fault = rng.integers(0, len(catalog.FAULTS), len(t))
        at = day * DAY + rng.integers(6 * 3_600, 20 * 3_600, len(t))
        blip = self._event(t, at, "fault_raised", SPN[fault], FMI[fault], np.full(len(t), np.nan))
        gone = self._event(t, at + rng.integers(300, 7_200, len(t)), "fault_cleared", SPN[fault], FMI[fault], np.full(len(t), np.nan))
        return [raised, blip, gone]

    def cleared(self, vehicle: np.ndarray, fault: np.ndarray, at: np.ndarray) -> Frame:
        slot = self.slot[vehicle]
        keep = slot >= 0
        return self._event(slot[keep], at[keep], "fault_cleared", SPN[fault[keep]], FMI[fault[keep]], np.full(int(keep.sum()), np.nan))


def _group_cumsum(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    offsets = np.repeat(total[np.cumsum(count) - count] - values[np.cumsum(count) - count], count)
    return total - offsets
