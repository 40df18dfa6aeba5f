"""The ground truth, in Parquet under truth_dir: what really happened, for evaluation only.

The pipeline never reads these files; docs/simulator.md describes each table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ingestion.contracts import QUEUES
from ingestion.simulator import catalog
from ingestion.simulator.config import DAY
from ingestion.simulator.frames import Frame, concat, const
from ingestion.simulator.output import TruthWriter, dates, party_ids, stamps
from ingestion.simulator.people import SEGMENTS
from ingestion.simulator.phonebook import phone_truth

_COMPONENT = np.array([f.component for f in catalog.FAULTS], dtype=object)
_CODE = np.array([f"{f.spn}-{f.fmi}" for f in catalog.FAULTS], dtype=object)


def _opt(values: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=np.int64)
    return np.where(v >= 0, lookup[np.maximum(v, 0)], None)


def _defect_ids(world, defect: np.ndarray) -> np.ndarray:
    ids = np.array([d.defect_id for d in world.defects] + [None], dtype=object)
    return np.where(defect >= 0, ids[np.minimum(defect, len(world.defects) - 1)], None)


def write_calls(tw: TruthWriter, t: Frame, world) -> None:
    if not t:
        return
    tw.append("calls", {
        "call_id": pa.array(t["call_id"], pa.string()), "person_id": party_ids(t["party"]),
        "issue_id": pa.array(t["issue"], pa.int64()), "resolved": pa.array(t["resolved"]),
        "repeat_of": pa.array(t["repeat_of"], pa.string()),
        "final_queue": pa.array(np.array(QUEUES, dtype=object)[t["queue"]], pa.string()),
        "answered": pa.array(t["answered"]), "reason": pa.array(t["reason"], pa.string()),
        "vin": pa.array(_opt(t["vehicle"], world.vehicles.vin), pa.string()), "call_date": dates(t["day"]),
    })


def write_work_orders(tw: TruthWriter, t: Frame, world) -> None:
    tw.append("work_orders", {
        "work_order_id": pa.array(t["work_order_id"], pa.string()), "person_id": party_ids(t["party"]),
        "vin": pa.array(_opt(t["vehicle"], world.vehicles.vin), pa.string()),
        "component": pa.array(_opt(t["fault"], _COMPONENT), pa.string()),
        "fault_code": pa.array(_opt(t["fault"], _CODE), pa.string()),
        "defect_id": pa.array(_defect_ids(world, t["defect"]), pa.string()),
        "category": pa.array(t["category"], pa.string()), "call_id": pa.array(t["call_id"], pa.string()),
        "created_at": stamps(t["created_at"]), "resolved_at": stamps(t["resolved_at"]),
    })


def write_shifts(tw: TruthWriter, shifts: Frame) -> None:
    """The engineers' true on-duty periods (the roster export before any mess)."""
    tw.append("engineer_shifts", {
        "engineer_id": pa.array(shifts["engineer_id"], pa.string()),
        "region_office": pa.array(shifts["region_office"], pa.string()),
        "skills": pa.array(shifts["skills"], pa.string()),
        "on_duty_from": stamps(shifts["on_duty_from"]), "on_duty_to": stamps(shifts["on_duty_to"]),
    })


def write_failures(tw: TruthWriter, f, world) -> None:
    v = f.vehicle
    tw.append("failures", {
        "vin": pa.array(world.vehicles.vin[v], pa.string()),
        "model_code": pa.array(np.array([m.code for m in catalog.MODELS], dtype=object)[world.vehicles.model[v]], pa.string()),
        "build_batch": pa.array(world.vehicles.batch[v], pa.string()),
        "component": pa.array(_COMPONENT[f.fault], pa.string()), "fault_code": pa.array(_CODE[f.fault], pa.string()),
        "failed_at": stamps(f.at), "defect_id": pa.array(_defect_ids(world, f.defect), pa.string()),
    })


def write_static(tw: TruthWriter, world, life, openings: list[Frame], first_ownerships: Frame) -> None:
    """Persons, records, phones, ownership periods, defects and churn."""
    p, rec = world.parties, world.records
    from ingestion.simulator import places

    tw.append("persons", {
        "person_id": party_ids(np.arange(p.size)), "kind": pa.array(np.where(p.is_fleet, "fleet", "person")),
        "name": pa.array(p.name, pa.string()), "gender": pa.array(p.gender, pa.string()), "birth_date": dates(p.birth_day),
        "id_card_no": pa.array(p.id_card, pa.string()), "company_reg_no": pa.array(p.reg_no, pa.string()),
        "province": pa.array(np.array([c.province for c in places.CITIES], dtype=object)[p.city], pa.string()),
        "city": pa.array(np.array([c.name for c in places.CITIES], dtype=object)[p.city], pa.string()),
        "segment": pa.array(np.array(SEGMENTS, dtype=object)[p.segment], pa.string()),
        "registered_at": stamps(p.registered),
    })
    tw.append("crm_records", {
        "customer_id": pa.array(rec.customer_id, pa.string()), "person_id": party_ids(rec.party),
        "is_duplicate": pa.array(rec.is_duplicate), "shares": pa.array(np.where(rec.is_duplicate, rec.shares, None), pa.string()),
    })
    tw.append("phones", phone_truth(world.book))
    own = concat([first_ownerships] + [{k: o[k] for k in first_ownerships} for o in openings])
    closings = concat([{k: c[k] for k in ("vin", "owned_from", "owned_to")} for c in life.ownership_truth])
    periods = pd.DataFrame({"vin": own["vin"], "owned_from": own["owned_from"]})
    if closings:
        ended = pd.DataFrame(closings).drop_duplicates(["vin", "owned_from"], keep="last")
        to = periods.merge(ended, on=["vin", "owned_from"], how="left")["owned_to"].fillna(-1).to_numpy(np.int64)
    else:
        to = np.full(len(periods), -1)
    tw.append("vehicles_ownership", {
        "vin": pa.array(own["vin"], pa.string()), "person_id": party_ids(own["_party"]),
        "owned_from": dates(own["owned_from"]), "owned_to": dates(to),
    })
    v = world.vehicles
    connected = np.zeros(v.size, bool)
    connected[world.connected] = True
    tw.append("vehicles", {
        "vin": pa.array(v.vin, pa.string()),
        "model_code": pa.array(np.array([m.code for m in catalog.MODELS], dtype=object)[v.model], pa.string()),
        "build_batch": pa.array(v.batch, pa.string()), "in_service_from": dates(v.service_day), "connected": pa.array(connected),
        "defect_id": pa.array(_vehicle_defects(world), pa.string()),
    })
    tw.append("defects", {
        "defect_id": pa.array([d.defect_id for d in world.defects]),
        "model_code": pa.array([catalog.MODELS[d.model].code for d in world.defects]),
        "build_batches": pa.array([sorted(set(v.batch[m])) for m in world.members], pa.list_(pa.string())),
        "build_batch": pa.array([_batch_range(v, m) for m in world.members]),
        "component": pa.array([d.component for d in world.defects]),
        "fault_code": pa.array([_CODE[d.fault] for d in world.defects]),
        "onset_date": dates(np.array([d.onset_day for d in world.defects])),
        "rate_multiplier": pa.array([d.multiplier for d in world.defects]),
        "base_rate": pa.array([d.base_rate for d in world.defects]),
        "vehicles": pa.array([len(m) for m in world.members]),
    })


def _vehicle_defects(world) -> np.ndarray:
    out = const(world.vehicles.size, None)
    for d, m in zip(world.defects, world.members, strict=True):
        out[m] = d.defect_id
    return out


def _batch_range(v, members: np.ndarray) -> str:
    batches = sorted(set(v.batch[members]))
    return f"{batches[0]}..{batches[-1]}" if batches else ""


def write_churn(tw: TruthWriter, life, last_day: int) -> None:
    c = life.churned
    tw.append("churn", {
        "person_id": party_ids(np.arange(len(c))), "churned_at": dates(c),
        "within_period": pa.array((c >= 0) & (c <= last_day)), "bad_service_score": pa.array(np.round(life.bad, 3)),
    })


def write_future(tw: TruthWriter, frames: list[Frame]) -> None:
    f = concat(frames)
    if not f:
        f = {"party": np.empty(0, np.int64), "product": np.empty(0, object), "purchased_at": np.empty(0, np.int64),
             "amount_cny": np.empty(0)}
    tw.append("future_purchases", {
        "person_id": party_ids(f["party"]), "product": pa.array(f["product"], pa.string()),
        "purchased_on": dates(np.asarray(f["purchased_at"]) // DAY), "amount_cny": pa.array(f["amount_cny"], pa.float64()),
    })


def write_leads(tw: TruthWriter, t: Frame) -> None:
    """Who is behind each sales lead: a customer's person id (P...) or a prospect's (Q...),
    whether they were a customer, the lead it repeats, and what is wrong with its phone."""
    tw.append("leads", {
        "lead_id": pa.array(t["lead_id"], pa.string()), "person_id": pa.array(t["person_id"], pa.string()),
        "is_customer": pa.array(t["is_customer"]), "duplicate_of": pa.array(t["duplicate_of"], pa.string()),
        "phone_defect": pa.array(t["phone_defect"], pa.string()),
    })


def write_signals(tw: TruthWriter, hazard: np.ndarray, rates: dict[str, np.ndarray]) -> None:
    """The simulator's own signals on the morning after the last day of data: each person's
    daily churn hazard and daily purchase rate per product. What any model of the exports
    could at best rank by (the ceiling `hub models evaluate` measures models against)."""
    n = len(hazard)
    tw.append("true_signals", {
        "person_id": party_ids(np.arange(n)), "churn_hazard": pa.array(hazard, pa.float64()),
        **{f"{product}_rate": pa.array(rate, pa.float64()) for product, rate in rates.items()},
    })
