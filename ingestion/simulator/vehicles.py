"""Vehicles as built and sold, and the faults they develop day by day.

Vehicles are sorted by the day they entered service, so "in service on day d" is
a prefix of the arrays and a failure draw is one Poisson count plus uniform picks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.simulator import catalog, places
from ingestion.simulator.config import Scale
from ingestion.simulator.frames import labelled
from ingestion.simulator.people import Parties

COMPONENTS = tuple(catalog.COMPONENT_RATES)
_YEAR_CODE = {2018: "J", 2019: "K", 2020: "L", 2021: "M", 2022: "N", 2023: "P", 2024: "R", 2025: "S", 2026: "T", 2027: "V"}
_VIN_VALUE = np.zeros(128, dtype=np.int64)
for _i, _c in enumerate("0123456789"):
    _VIN_VALUE[ord(_c)] = _i
for _chars, _start in (("ABCDEFGH", 1), ("JKLMN", 1), ("STUVWXYZ", 2)):
    for _i, _c in enumerate(_chars):
        _VIN_VALUE[ord(_c)] = _start + _i
_VIN_VALUE[ord("P")], _VIN_VALUE[ord("R")] = 7, 9
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])


@dataclass
class Vehicles:
    vin: np.ndarray  # object array of 17-character VINs with a valid check digit
    model: np.ndarray  # index into catalog.MODELS
    build_day: np.ndarray
    batch: np.ndarray  # object: "<model>-<yymm>"
    batch_month: np.ndarray  # months since 2000-01, to compare batches numerically
    route: np.ndarray  # index into catalog.ROUTE_TYPES
    service_day: np.ndarray  # the day it was sold new (sorted ascending)
    first_owner: np.ndarray  # party index
    owner: np.ndarray  # current owner (changes when sold)
    dealer: np.ndarray  # object: dealer code that sold it

    @property
    def size(self) -> int:
        return len(self.vin)

    def in_service(self, day: int) -> int:
        """How many vehicles (a prefix of the arrays) are on the road on this day."""
        return int(np.searchsorted(self.service_day, day, side="right"))


@dataclass(frozen=True)
class Defect:
    defect_id: str
    model: int
    batch_months: tuple[int, int]  # first and last affected build month (inclusive)
    component: str
    fault: int  # index into catalog.FAULTS
    onset_day: int
    multiplier: float
    base_rate: float  # failures per vehicle-day of this component before the defect


def vins(rng: np.random.Generator, model: np.ndarray, build_day: np.ndarray) -> np.ndarray:
    """VINs: WMI LFW, the model's VDS, check digit, model-year code, plant, serial."""
    n = len(model)
    years = (build_day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970).clip(2018, 2027)
    vds = np.array([m.vds for m in catalog.MODELS], dtype=object)[model]
    serial = np.empty(n, dtype=np.int64)
    for m in np.unique(model):  # a running serial per model keeps VINs unique
        idx = np.flatnonzero(model == m)
        serial[idx] = np.arange(len(idx)) + rng.integers(10_000, 90_000)
    plant = np.array(list("ABCDEFGH"))[serial // 1_000_000 % 8]
    bodies = [f"LFW{v}0{_YEAR_CODE[int(y)]}{p}{s % 1_000_000:06d}" for v, y, p, s in zip(vds, years, plant, serial, strict=True)]
    chars = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(n, 17)
    check = (_VIN_VALUE[chars] @ _VIN_WEIGHTS) % 11
    digit = np.where(check == 10, "X", check.astype(str))
    return np.array([b[:8] + d + b[9:] for b, d in zip(bodies, digit, strict=True)], dtype=object)


def make_vehicles(scale: Scale, parties: Parties, rng: np.random.Generator) -> Vehicles:
    seg = parties.segment
    lo, hi = scale.large_fleet_vehicles
    count = np.select(
        [seg == 2, seg == 1],
        [rng.integers(lo, hi + 1, parties.size), rng.integers(3, 16, parties.size)],
        rng.choice([1, 2, 3], parties.size, p=[0.8, 0.15, 0.05]),
    )
    owner = np.repeat(np.arange(parties.size), count)
    reg_day = parties.registered[owner] // 86_400
    last_day = scale.first_day + scale.days - 1
    first_vehicle = np.r_[True, owner[1:] != owner[:-1]]
    later = reg_day + (rng.random(len(owner)) * (last_day - reg_day + 200)).astype(np.int64)
    service_day = np.where(first_vehicle, reg_day, later)
    keep = service_day <= last_day
    owner, service_day = owner[keep], service_day[keep]
    order = np.argsort(service_day, kind="stable")
    owner, service_day = owner[order], service_day[order]
    n = len(owner)
    weights = np.array([m.weight for m in catalog.MODELS], dtype=float)
    fleet_bias = np.where(parties.is_fleet[owner], 1.0, 0.0)
    model = rng.choice(len(weights), n, p=weights / weights.sum())
    light = np.flatnonzero(rng.random(n) < 0.25 * (1 - fleet_bias))
    model[light] = 7  # owner-drivers often run light trucks
    build_day = service_day - rng.integers(15, 120, n)
    month = build_day.astype("datetime64[D]").astype("datetime64[M]").astype(int) - 360
    # One string object per distinct batch, shared by its vehicles.
    key = model * 10_000 + month
    uniq, inverse = np.unique(key, return_inverse=True)
    names = [f"{catalog.MODELS[k // 10_000].code}-{(k % 10_000) // 12:02d}{(k % 10_000) % 12 + 1:02d}" for k in uniq]
    batch = labelled(names, inverse)
    route_p = np.array([m.routes for m in catalog.MODELS])
    u = rng.random(n)[:, None]
    route = (u > np.cumsum(route_p[model], axis=1)).sum(axis=1).clip(0, 3)
    city = parties.city[owner]
    codes = [f"D{c:02d}{k:02d}" for c in range(len(places.CITIES)) for k in range(1, 4)]
    dealer = labelled(codes, city.astype(np.int64) * 3 + rng.choice(3, n, p=[0.6, 0.3, 0.1]))
    return Vehicles(
        vin=vins(rng, model, build_day),
        model=model,
        build_day=build_day,
        batch=batch,
        batch_month=month,
        route=route,
        service_day=service_day,
        first_owner=owner,
        owner=owner.copy(),
        dealer=dealer,
    )


def base_rate(component: str, scale: Scale) -> float:
    return catalog.COMPONENT_RATES[component] * scale.failure_scale / 365.0


def make_defects(scale: Scale, vehicles: Vehicles, rng: np.random.Generator) -> list[Defect]:
    """Two or three field defects on popular models with a known onset inside the period."""
    plans = [(0, "aftertreatment", 4), (7, "electrical", 5), (3, "brakes", 5)][: 2 if scale.name == "demo" else 3]
    defects = []
    for k, (model, component, months) in enumerate(plans):
        recent = vehicles.batch_month[(vehicles.model == model) & (vehicles.service_day < scale.first_day)]
        first = int(np.quantile(recent, 0.55 + 0.1 * k))
        fault = next(i for i, f in enumerate(catalog.FAULTS) if f.component == component)
        onset = scale.first_day + int(scale.days * (0.2 + 0.2 * k)) + int(rng.integers(0, 7))
        defects.append(
            Defect(
                defect_id=f"DEF-{k + 1:02d}",
                model=model,
                batch_months=(first, first + months - 1),
                component=component,
                fault=fault,
                onset_day=onset,
                multiplier=float(rng.uniform(8.0, 12.0)),
                base_rate=base_rate(component, scale),
            )
        )
    return defects


def defect_members(vehicles: Vehicles, defect: Defect) -> np.ndarray:
    lo, hi = defect.batch_months
    return np.flatnonzero((vehicles.model == defect.model) & (vehicles.batch_month >= lo) & (vehicles.batch_month <= hi))
