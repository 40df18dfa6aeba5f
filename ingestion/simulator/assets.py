"""What the CRM knows about vehicles and holdings before the daily simulation starts.

Vehicle master rows, first ownerships, the purchase of each vehicle with the
products bought along with it (extended warranty, maintenance package, financing,
telematics for the connected fleet), yearly renewals, and consents given at
registration.
"""

from __future__ import annotations

import numpy as np

from ingestion.simulator import catalog
from ingestion.simulator.config import DAY, Scale
from ingestion.simulator.crm import Records
from ingestion.simulator.frames import Frame, concat_consuming, const
from ingestion.simulator.people import Parties
from ingestion.simulator.vehicles import Vehicles

CONSENT_PLAN = (  # channel, purpose, probability granted at registration
    ("sms", "service", 0.97), ("phone", "service", 0.97), ("wechat", "service", 0.6),
    ("sms", "marketing", 0.5), ("phone", "marketing", 0.35), ("wechat", "marketing", 0.45),
    ("app", "personalised_marketing", 0.3), ("wechat", "personalised_marketing", 0.2),
    ("email", "marketing", 0.15), ("app", "data_sharing", 0.15),
)


def office_time(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    return day * DAY + rng.integers(9 * 60, 18 * 60, len(day)) * 60


def vehicle_rows(vehicles: Vehicles) -> Frame:
    models = catalog.MODELS
    return {
        "vin": vehicles.vin,
        "model_code": np.array([m.code for m in models], dtype=object)[vehicles.model],
        "model_name": np.array([m.name for m in models], dtype=object)[vehicles.model],
        "build_batch": vehicles.batch,
        "build_date": vehicles.build_day,
        "engine_type": np.array([m.engine for m in models], dtype=object)[vehicles.model],
        "route_type": np.array(catalog.ROUTE_TYPES, dtype=object)[vehicles.route],
        "_day": vehicles.service_day,
    }


def first_ownerships(vehicles: Vehicles, records: Records, rng: np.random.Generator) -> Frame:
    at = office_time(rng, vehicles.service_day)
    return {
        "vin": vehicles.vin,
        "customer_id": records.customer_id[records.main_of_party[vehicles.first_owner]],
        "owned_from": vehicles.service_day,
        "owned_to": np.full(vehicles.size, -1),
        "dealer_code": vehicles.dealer,
        "updated_at": at,
        "_day": vehicles.service_day,
        "_party": vehicles.first_owner,
    }


def choose_connected(scale: Scale, vehicles: Vehicles, parties: Parties, rng: np.random.Generator) -> np.ndarray:
    """Vehicles with a telematics subscription: newer trucks and fleets are likelier."""
    on_road = vehicles.in_service(scale.first_day)
    age = (scale.first_day - vehicles.build_day[:on_road]) / 365.0
    w = np.exp(-age / 2.5) * np.where(parties.is_fleet[vehicles.first_owner[:on_road]], 3.0, 1.0)
    k = min(scale.connected_vehicles, on_road)
    return np.sort(rng.choice(on_road, k, replace=False, p=w / w.sum()))


def purchase_rows(scale: Scale, vehicles: Vehicles, parties: Parties, records: Records, connected: np.ndarray,
                  rng: np.random.Generator) -> Frame:
    """The vehicle purchases and products bought with them, with yearly renewals up to the period."""
    n = vehicles.size
    owner_record = records.customer_id[records.main_of_party[vehicles.first_owner]]
    fleet = parties.is_fleet[vehicles.first_owner]
    price = np.array([m.price_cny for m in catalog.MODELS])[vehicles.model]
    parts = [_rows(owner_record, vehicles.vin, "vehicle", price * rng.uniform(0.9, 1.04, n), vehicles.service_day, None,
                   np.where(fleet, "field_sales", "dealer"), rng)]
    for product, p in (("extended_warranty", 0.22), ("maintenance_package", 0.35), ("financing", 0.45)):
        take = np.flatnonzero(rng.random(n) < p * np.where(fleet & (product == "financing"), 0.6, 1.0))
        mean, months = catalog.PRODUCT_PRICES[product]
        amount = price[take] * 0.55 if product == "financing" else mean * rng.lognormal(0, 0.2, len(take))
        parts.append(_rows(owner_record[take], vehicles.vin[take], product, amount, vehicles.service_day[take],
                           months if product != "extended_warranty" else 24, "dealer", rng))
        if product == "maintenance_package":  # renewed each year by about half of the holders
            day = vehicles.service_day[take]
            for _ in range(scale.history_years):
                day = day + 365
                keep = (rng.random(len(take)) < 0.55) & (day < scale.first_day + scale.days)
                take, day = take[keep], day[keep]
                parts.append(_rows(owner_record[take], vehicles.vin[take], product, mean * rng.lognormal(0, 0.2, len(take)),
                                   day, months, "call_center", rng))
    day = np.maximum(vehicles.service_day[connected], scale.first_day - 364 + (connected % 300))
    parts.append(_rows(owner_record[connected], vehicles.vin[connected], "telematics_subscription",
                       catalog.PRODUCT_PRICES["telematics_subscription"][0] * rng.lognormal(0, 0.1, len(connected)),
                       day, 12, "app", rng))
    return concat_consuming(parts)


def _rows(customer_id, vin, product, amount, day, months, channel, rng) -> Frame:
    n = len(customer_id)
    return {
        "purchase_id": np.zeros(n, np.int64),  # numbered once all rows are known, formatted when written
        "customer_id": customer_id,
        "vin": vin,
        "product": const(n, product),
        "amount_cny": np.round(np.asarray(amount, dtype=float), 2),
        "purchased_at": office_time(rng, np.asarray(day)),
        "coverage_months": np.full(n, -1 if months is None else months),
        "channel": np.broadcast_to(np.asarray(channel, dtype=object), (n,)).copy(),
        "_day": np.asarray(day),
    }


def number_purchases(frame: Frame, start: int = 1) -> Frame:
    order = np.argsort(frame["purchased_at"], kind="stable")
    frame = {k: v[order] for k, v in frame.items()}
    frame["purchase_id"] = start + np.arange(len(order))
    return frame


def consent_rows(records: Records, rng: np.random.Generator, last_day: int) -> Frame:
    parts = []
    for channel, purpose, p in CONSENT_PLAN:
        idx = np.flatnonzero(rng.random(records.size) < p)
        at = records.registered[idx]
        parts.append(_consent(records.customer_id[idx], channel, purpose, "granted", at, "contract"))
        quit_at = at + rng.integers(30, 1_500, len(idx)) * DAY
        gone = (rng.random(len(idx)) < (0.12 if purpose != "service" else 0.02)) & (quit_at // DAY <= last_day)
        parts.append(_consent(records.customer_id[idx[gone]], channel, purpose, "withdrawn", quit_at[gone],
                              rng.choice(np.array(["app", "call_center", "web"], dtype=object), int(gone.sum()))))
    return concat_consuming(parts)


def _consent(customer_id, channel, purpose, status, at, source) -> Frame:
    n = len(customer_id)
    return {
        "customer_id": customer_id,
        "channel": const(n, channel),
        "purpose": const(n, purpose),
        "consent_status": const(n, status),
        "recorded_at": at,
        "consent_source": np.broadcast_to(np.asarray(source, dtype=object), (n,)).copy(),
        "_day": at // DAY,
    }
