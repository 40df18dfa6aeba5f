"""Customers' lives: churn, vehicles changing hands, product purchases, consent changes.

Churn hazard per day = base x exp(0.6 x bad service) x (1 + 0.15 x years of vehicle
age over 3), where bad service is a score that abandoned calls, low survey scores
and complaints raise and that decays with a 60-day time constant. A churned
customer stops calling and buying, and sells half of its vehicles within two months.
Purchases follow per-product propensities (vehicle age, segment, fleet size,
recent repairs, bad service); the same process runs 12 months past the period for
the "purchases to come" truth.
"""

from __future__ import annotations

import numpy as np

from ingestion.simulator import catalog
from ingestion.simulator.assets import office_time
from ingestion.simulator.config import DAY, Scale
from ingestion.simulator.frames import Frame, concat, const

PRODUCTS = ("parts", "maintenance_package", "extended_warranty", "telematics_subscription", "financing")
CHANNEL = {"parts": "dealer", "maintenance_package": "call_center", "extended_warranty": "call_center",
           "telematics_subscription": "app", "financing": "dealer"}


class Lifecycle:
    def __init__(self, scale: Scale, ctx, rng: np.random.Generator):
        self.scale, self.ctx, self.rng = scale, ctx, rng
        n = ctx.parties.size
        self.churned = np.full(n, -1, np.int64)
        self.bad = np.zeros(n)
        self.repair = np.zeros(n)
        v = ctx.vehicles
        self.fleet_size = np.bincount(v.owner, minlength=n).astype(float)
        first_build = np.full(n, scale.first_day, np.int64)
        np.minimum.at(first_build, v.owner, v.build_day)
        self.first_build = first_build
        self.sales: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.since: dict[int, int] = {}  # vehicle -> day its current ownership began, once sold
        self.ownership_truth: list[Frame] = []
        self.purchase_seq = 0
        self._index_owners()
        on_road = v.in_service(scale.first_day + scale.days - 1)
        sold = np.flatnonzero(rng.random(on_road) < 0.02)
        days = scale.first_day + rng.integers(1, scale.days, len(sold))
        for d in np.unique(days):
            self.sales.setdefault(int(d), []).append((sold[days == d], np.full(int((days == d).sum()), -1)))

    def _index_owners(self) -> None:
        self.owner_order = np.argsort(self.ctx.vehicles.owner, kind="stable")
        self.owner_start = np.searchsorted(self.ctx.vehicles.owner[self.owner_order], np.arange(self.ctx.parties.size))

    def active(self, day: int) -> np.ndarray:
        return (self.churned < 0) & (self.ctx.parties.registered // DAY <= day)

    def record_service(self, party: np.ndarray, weight: np.ndarray, repairs: np.ndarray) -> None:
        np.add.at(self.bad, party, weight)
        np.add.at(self.repair, repairs, 1.0)

    def churn(self, day: int, hazard_scale: float = 1.0) -> np.ndarray:
        rng = self.rng
        self.bad *= np.exp(-1 / 60)
        self.repair *= np.exp(-1 / 90)
        h = self.churn_hazard(day, hazard_scale)
        gone = np.flatnonzero(self.active(day) & (rng.random(len(h)) < h))
        self.churned[gone] = day
        return gone

    def churn_hazard(self, day: int, hazard_scale: float = 1.0) -> np.ndarray:
        """Each party's daily probability of churning on `day` (the truth's own churn signal)."""
        age = (day - self.first_build) / 365.0
        base = np.where(self.ctx.parties.is_fleet, 0.04, 0.10) / 365 * hazard_scale
        return base * np.exp(0.6 * np.minimum(self.bad, 6)) * (1 + 0.15 * np.maximum(age - 3, 0))

    def sell_after_churn(self, day: int, gone: np.ndarray) -> None:
        rng = self.rng
        for p in gone:
            lo = self.owner_start[p]
            hi = self.owner_start[p + 1] if p + 1 < len(self.owner_start) else len(self.owner_order)
            mine = self.owner_order[lo:hi]
            mine = mine[(self.ctx.vehicles.owner[mine] == p) & (rng.random(len(mine)) < 0.5)]
            for v in mine:
                self.sales.setdefault(day + int(rng.integers(3, 60)), []).append((np.array([v]), np.array([-1])))

    def ownership_changes(self, day: int) -> Frame:
        """Vehicles sold today: the old ownership closes, a new one opens."""
        rng, ctx = self.rng, self.ctx
        batch = self.sales.pop(day, [])
        if not batch:
            return {}
        v = np.concatenate([b[0] for b in batch])
        v = v[ctx.vehicles.service_day[v] < day]
        if not len(v):
            return {}
        old = ctx.vehicles.owner[v]
        pool = np.flatnonzero(self.active(day))
        new = pool[rng.integers(0, len(pool), len(v))]
        new = np.where(new == old, pool[(np.searchsorted(pool, new) + 1) % len(pool)], new)
        ctx.vehicles.owner[v] = new
        rec = ctx.records
        at = office_time(rng, np.full(len(v), day))
        closing = {"vin": ctx.vehicles.vin[v], "customer_id": rec.customer_id[rec.main_of_party[old]],
                   "owned_from": self.owned_from(v), "owned_to": np.full(len(v), day),
                   "dealer_code": ctx.vehicles.dealer[v], "updated_at": at, "_day": np.full(len(v), day), "_party": old}
        opening = {"vin": ctx.vehicles.vin[v], "customer_id": rec.customer_id[rec.main_of_party[new]],
                   "owned_from": np.full(len(v), day), "owned_to": np.full(len(v), -1),
                   "dealer_code": const(len(v), None), "updated_at": at, "_day": np.full(len(v), day),
                   "_party": new}
        for vv in v:
            self.since[int(vv)] = day
        np.add.at(self.fleet_size, old, -1)
        np.add.at(self.fleet_size, new, 1)
        self.ownership_truth.append(closing)
        return concat([closing, opening])

    def owned_from(self, v: np.ndarray) -> np.ndarray:
        return np.array([self.since.get(int(x), int(self.ctx.vehicles.service_day[x])) for x in v])

    def purchases(self, day: int, future: bool = False) -> Frame:
        rng = self.rng
        rates = self.purchase_rates(day)
        out = []
        for product in PRODUCTS:
            r = rates[product]
            cdf = np.cumsum(r)
            n = rng.poisson(cdf[-1])
            if not n:
                continue
            party = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
            mean, months = catalog.PRODUCT_PRICES[product]
            amount = np.round(mean * rng.lognormal(0, 0.35, n) * (30 if product == "financing" else 1), 2)
            out.append({"party": party, "product": const(n, product), "amount_cny": amount,
                        "purchased_at": office_time(rng, np.full(n, day)), "coverage_months": np.full(n, months if months else -1),
                        "channel": const(n, CHANNEL[product]), "_day": np.full(n, day)})
        frame = concat(out)
        if not frame or future:
            return frame
        return self._to_rows(frame)

    def purchase_rates(self, day: int) -> dict[str, np.ndarray]:
        """Each party's expected purchases of each product on `day` (the truth's own cross-sell signal)."""
        ctx = self.ctx
        act = self.active(day) & (self.fleet_size > 0)
        age = np.clip((day - self.first_build) / 365.0, 0, 15)
        seg = np.where(ctx.parties.segment == 3, 1.5, 1.0) * np.exp(-0.5 * np.minimum(self.bad, 4)) * act
        size = np.maximum(self.fleet_size, 0)
        rates = {
            "parts": 0.6 * size**0.6 * (1 + 2 * self.repair),
            "maintenance_package": 0.25 * size**0.7 * np.where((age > 1) & (age < 6), 1.3, 0.6),
            "extended_warranty": 0.08 * size**0.6 * (1 + 3 * self.repair) * np.where((age > 1.5) & (age < 4), 2.0, 0.5),
            "telematics_subscription": 0.03 * size**0.5 * np.where(ctx.parties.is_fleet, 3.0, 1.0),
            "financing": 0.02 * np.where(ctx.parties.is_fleet, 4.0, 0.5),
        }
        return {product: rates[product] * seg / 365 for product in PRODUCTS}

    def _to_rows(self, f: Frame) -> Frame:
        ctx = self.ctx
        n = len(f["party"])
        lo = self.owner_start[f["party"]]
        vin = ctx.vehicles.vin[self.owner_order[np.minimum(lo, len(self.owner_order) - 1)]]
        still = ctx.vehicles.owner[self.owner_order[np.minimum(lo, len(self.owner_order) - 1)]] == f["party"]
        vin = np.where(still & (f["product"] != "parts"), vin, None)
        ids = self.purchase_seq + np.arange(n)
        self.purchase_seq += n
        return {"purchase_id": ids, "customer_id": ctx.records.customer_id[ctx.records.main_of_party[f["party"]]],
                "vin": vin, "product": f["product"], "amount_cny": f["amount_cny"], "purchased_at": f["purchased_at"],
                "coverage_months": f["coverage_months"], "channel": f["channel"], "_day": f["_day"], "_party": f["party"]}

    def consent_changes(self, day: int, complainers: np.ndarray) -> Frame:
        """Marketing consents withdrawn after bad experiences, and some granted in the app."""
        rng, rec = self.rng, self.ctx.records
        quit_ = np.unique(complainers[rng.random(len(complainers)) < 0.05])
        grant = np.flatnonzero(self.active(day) & (rng.random(len(self.churned)) < 0.0004))
        rows = []
        for parties, status, source, channel in ((quit_, "withdrawn", "call_center", "sms"), (grant, "granted", "app", "app")):
            k = len(parties)
            rows.append({"customer_id": rec.customer_id[rec.main_of_party[parties]], "channel": const(k, channel),
                         "purpose": const(k, "marketing"), "consent_status": const(k, status),
                         "recorded_at": office_time(rng, np.full(k, day)), "consent_source": const(k, source),
                         "_day": np.full(k, day)})
        return concat(rows)
