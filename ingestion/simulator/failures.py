"""Breakdowns: which vehicle fails, when, with what fault, and whether a defect caused it.

Each component fails at its base rate (scaled by how much the fleet drives that
day and by vehicle age); a defect adds (multiplier - 1) x base rate to the
vehicles of its model and build batches from its onset day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.simulator import catalog, rhythm
from ingestion.simulator.config import Scale
from ingestion.simulator.vehicles import COMPONENTS, Defect, Vehicles, base_rate

_MAX_AGE_FACTOR = 1.6
_FAULTS_OF = {c: np.array([i for i, f in enumerate(catalog.FAULTS) if f.component == c]) for c in COMPONENTS}
_SHARES_OF = {c: np.array([catalog.FAULTS[i].share for i in _FAULTS_OF[c]]) for c in COMPONENTS}


@dataclass
class Failures:
    vehicle: np.ndarray
    fault: np.ndarray  # index into catalog.FAULTS
    at: np.ndarray  # local seconds
    defect: np.ndarray  # index into the defect list, -1 for an ordinary failure

    @property
    def size(self) -> int:
        return len(self.vehicle)


def age_factor(vehicles: Vehicles, idx: np.ndarray, day: int) -> np.ndarray:
    """Older trucks fail more: 0.7 when new, rising 0.1 a year, capped."""
    return np.minimum(0.7 + 0.1 * (day - vehicles.build_day[idx]) / 365.0, _MAX_AGE_FACTOR)


def daily_failures(
    day: int,
    scale: Scale,
    vehicles: Vehicles,
    defects: list[Defect],
    members: list[np.ndarray],
    rng: np.random.Generator,
) -> Failures:
    on_road = vehicles.in_service(day)
    drive = rhythm.driving_factor(day)
    parts_v, parts_f, parts_d = [], [], []
    for component in COMPONENTS:
        lam = on_road * base_rate(component, scale) * drive * _MAX_AGE_FACTOR
        idx = rng.integers(0, on_road, rng.poisson(lam)) if on_road else np.empty(0, np.int64)
        idx = idx[rng.random(len(idx)) < age_factor(vehicles, idx, day) / _MAX_AGE_FACTOR]
        faults = _FAULTS_OF[component][rng.choice(len(_SHARES_OF[component]), len(idx), p=_SHARES_OF[component])]
        parts_v.append(idx)
        parts_f.append(faults)
        parts_d.append(np.full(len(idx), -1))
    for k, (defect, group) in enumerate(zip(defects, members, strict=True)):
        if day < defect.onset_day:
            continue
        active = group[vehicles.service_day[group] <= day]
        n = rng.poisson(len(active) * defect.base_rate * (defect.multiplier - 1.0) * drive)
        parts_v.append(active[rng.integers(0, len(active), n)] if len(active) else np.empty(0, np.int64))
        parts_f.append(np.full(n if len(active) else 0, defect.fault))
        parts_d.append(np.full(n if len(active) else 0, k))
    vehicle = np.concatenate(parts_v).astype(np.int64)
    at = rhythm.times_in_day(rng, day, len(vehicle), rhythm.driving_profile())
    order = np.argsort(at, kind="stable")
    return Failures(
        vehicle=vehicle[order],
        fault=np.concatenate(parts_f).astype(np.int64)[order],
        at=at[order],
        defect=np.concatenate(parts_d).astype(np.int64)[order],
    )
