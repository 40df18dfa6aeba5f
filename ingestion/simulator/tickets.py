"""Ticketing: work orders raised by calls and by telematics faults, and their stage history.

Each work order's whole life is drawn when it is created (stage times, engineer,
parts, resolution, callback score); the rows then land in the daily files of the
days the stages happen. Headers are re-exported each day the status changes.
"""

from __future__ import annotations

import numpy as np

from ingestion.simulator import catalog, places
from ingestion.simulator import phones as ph
from ingestion.simulator.config import DAY, from_day_number
from ingestion.simulator.contacts import Q
from ingestion.simulator.frames import Frame, concat, const, take
from ingestion.simulator.roster import ENGINEERS_PER_REGION

SLA = {("rescue", "P1"): 4, ("repair", "P2"): 24, ("repair", "P3"): 48, ("complaint", "P2"): 48, ("consultation", "P4"): 72}
# Probability that an answered contact raises a work order, by final queue, for ordinary questions.
QUESTION_WO = np.array([0.04, 0.12, 0.25, 0.5, 0.55, 0.2, 0.2])
REGION_INDEX = {r: i for i, r in enumerate(places.REGIONS)}


class Ticketing:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.seq = 0
        self.issues_with_order: set[int] = set()

    def from_calls(self, served: Frame) -> Frame:
        """Answered contacts that raise a work order, with its category."""
        rng = self.rng
        if not served:
            return {}
        n = len(served["at"])
        breakdown = served["vehicle"] >= 0
        q = served["final_queue"]
        p = np.where(breakdown, np.where(q == Q["rescue"], 0.95, 0.85), QUESTION_WO[q])
        fresh = np.array([i not in self.issues_with_order for i in served["issue"]])
        pick = np.flatnonzero(fresh & (rng.random(n) < p))
        self.issues_with_order.update(served["issue"][pick].tolist())
        f = take(served, pick)
        bd = f["vehicle"] >= 0
        category = np.where(bd, np.where(f["final_queue"] == Q["rescue"], "rescue", "repair"),
                            np.where(f["final_queue"] == Q["complaints"], "complaint", "consultation")).astype(object)
        f["category"] = category
        f["created"] = f["at"] + rng.integers(240, 1_500, len(pick))
        return f

    def proactive(self, failures_frame: Frame) -> Frame:
        """Faults seen by telematics that nobody called about: the service desk opens a work order."""
        f = dict(failures_frame)
        k = len(f["at"])
        f["category"] = const(k, "repair")
        f["created"] = f["at"] + self.rng.integers(600, 3_600, k)
        f["call_id"] = const(k, None)
        return f

    def open(self, day: int, f: Frame, ctx) -> tuple[Frame, Frame, Frame]:
        """Work-order headers, transitions and truth for the orders created today."""
        rng = self.rng
        n = len(f["created"])
        stamp = from_day_number(day).strftime("%Y%m%d")
        wo_id = np.array([f"WO{stamp}{self.seq + i:06d}" for i in range(n)], dtype=object)
        self.seq += n
        cat = f["category"]
        priority = np.where(cat == "rescue", "P1", np.where(cat == "repair", np.where(rng.random(n) < 0.6, "P2", "P3"),
                                                             np.where(cat == "complaint", "P2", "P4"))).astype(object)
        sla = np.array([SLA[(c, p)] for c, p in zip(cat, priority, strict=True)])
        party = f["party"]
        known = party >= 0
        region = np.where(known, np.array([c.region for c in places.CITIES], dtype=object)[ctx.parties.city[np.maximum(party, 0)]],
                          np.array(places.REGIONS, dtype=object)[rng.integers(0, len(places.REGIONS), n)])
        trans, resolved_at = self._stages(wo_id, cat, sla, region, f, rng)
        header = self._header(wo_id, f, cat, priority, sla, region, ctx, rng)
        truth = {"work_order_id": wo_id, "party": party, "vehicle": f["vehicle"], "fault": f["fault"],
                 "defect": f["defect"], "category": cat, "call_id": f["call_id"], "created_at": f["created"],
                 "resolved_at": resolved_at}
        return header, trans, truth

    def _header(self, wo_id, f, cat, priority, sla, region, ctx, rng) -> Frame:
        n = len(wo_id)
        party = f["party"]
        known = party >= 0
        p = np.maximum(party, 0)
        found = known & (rng.random(n) < 0.85)
        customer_id = np.where(found, ctx.records.customer_id[ctx.records.main_of_party[p]], None)
        book = ctx.book
        primary = ph.format_many(book.number_nsn[book.first_number[p]], book.number_kind[book.first_number[p]], rng.integers(0, 99, n))
        phone = np.where(f["ani"] != None, f["ani"], np.where(known, primary, None))  # noqa: E711
        v = f["vehicle"]
        has_v = v >= 0
        vin = np.where(has_v & (rng.random(n) < 0.93), ctx.vehicles.vin[np.maximum(v, 0)], None)
        noisy = np.flatnonzero((vin != None) & (rng.random(n) < 0.06))  # noqa: E711
        vin[noisy] = [x.lower() if k % 2 else f"{x[:3]} {x[3:9]} {x[9:]}" for k, x in enumerate(vin[noisy])]
        fault = np.maximum(f["fault"], 0)
        comp = np.array([flt.component for flt in catalog.FAULTS], dtype=object)[fault]
        u = rng.random(n)
        comp = np.where(has_v, np.where(u < 0.06, None, comp), None)
        wrong = has_v & (u > 0.94)
        comp[wrong] = np.array(list(catalog.COMPONENT_RATES), dtype=object)[rng.integers(0, 10, int(wrong.sum()))]
        code = np.array([f"{flt.spn}-{flt.fmi}" for flt in catalog.FAULTS], dtype=object)[fault]
        code = np.where(has_v & (rng.random(n) < 0.85), code, None)
        city_names = np.array([c.name for c in places.CITIES], dtype=object)[ctx.parties.city[p]]
        text = np.array([_describe(c, int(x), city, rng) for c, x, city in zip(cat, fault, city_names, strict=True)], dtype=object)
        return {
            "work_order_id": wo_id, "created_at": f["created"], "customer_id": customer_id, "contact_phone": phone,
            "vin": vin, "call_id": f["call_id"], "category": cat, "priority": priority, "component": comp,
            "fault_code": code, "fault_description": text, "region_office": region, "sla_hours": sla,
        }

    def _stages(self, wo_id, cat, sla, region, f, rng) -> tuple[Frame, np.ndarray]:
        n = len(wo_id)
        t = f["created"].astype(np.int64)
        hours = lambda lo, hi: (rng.uniform(lo, hi, n) * 3_600).astype(np.int64)  # noqa: E731
        field = (cat == "repair") | (cat == "rescue")
        rescue = cat == "rescue"
        disp = t + np.where(rescue, hours(0.1, 0.5), hours(0.3, 4))
        acc = disp + hours(0.1, 1)
        site = acc + np.where(rescue, hours(0.5, 3), hours(2, 30))
        res = np.where(field, site + hours(0.5, 6), np.where(cat == "complaint", t + hours(8, 72), t + hours(0.1, 4)))
        close = res + hours(1, 24)
        reopen = field & (rng.random(n) < 0.05)
        re_at = close + hours(24, 150)
        re_site, re_res, re_close = re_at + hours(2, 24), re_at + hours(4, 30), re_at + hours(30, 60)
        final_close = np.where(reopen, re_close, close)
        breach = (res - t) > sla * 3_600
        called = rng.random(n) < np.where(cat == "consultation", 0.3, 0.75)
        cb_at = final_close + hours(20, 70)
        score = np.clip(np.rint(4.4 - 1.3 * breach - 0.9 * reopen - 0.6 * (cat == "complaint") + rng.normal(0, 0.6, n)), 1, 5)
        eng = np.array([f"E{REGION_INDEX[r]}{k:03d}" for r, k in zip(region, rng.integers(0, ENGINEERS_PER_REGION, n), strict=True)], dtype=object)
        fault = np.maximum(f["fault"], 0)
        parts = np.array([";".join(f"{p} x{1 + (i % 2)}" for i, p in enumerate(flt.parts)) for flt in catalog.FAULTS], dtype=object)
        resolution = np.array([_resolution(c, int(x), rng) for c, x in zip(cat, fault, strict=True)], dtype=object)
        warehouse = np.array([places.WAREHOUSES[r] for r in region], dtype=object)
        every = np.ones(n, bool)
        steps = [("created", t, every), ("dispatched", disp, cat != "consultation"), ("accepted", acc, cat != "consultation"),
                 ("on_site", site, field), ("resolved", res, every), ("closed", close, every), ("reopened", re_at, reopen),
                 ("on_site", re_site, reopen), ("resolved", re_res, reopen), ("closed", re_close, reopen),
                 ("callback", cb_at, called)]
        rows = []
        for stage, at, mask in steps:
            i = np.flatnonzero(mask)
            k = len(i)
            none = const(k, None)
            with_engineer = field[i] & (stage in ("dispatched", "accepted", "on_site", "resolved"))
            rows.append({
                "work_order_id": wo_id[i], "stage": const(k, stage), "stage_at": at[i],
                "engineer_id": np.where(with_engineer, eng[i], None), "region_office": region[i],
                "parts": parts[fault[i]] if stage == "resolved" else none,
                "warehouse": np.where(field[i], warehouse[i], None) if stage == "resolved" else none,
                "resolution": resolution[i] if stage == "resolved" else none,
                "callback_score": score[i].astype(np.int64) if stage == "callback" else np.full(k, -1),
                "_order": np.full(k, len(rows)),
            })
        trans = concat(rows)
        trans["parts"] = np.where(np.isin(trans["stage"], ["resolved"]) & (trans["engineer_id"] != None), trans["parts"], None)  # noqa: E711
        order = np.lexsort((trans["_order"], trans["work_order_id"]))
        trans = take(trans, order)
        first = np.r_[True, trans["work_order_id"][1:] != trans["work_order_id"][:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))
        trans["seq"] = np.arange(len(first)) - start + 1
        trans["_day"] = trans["stage_at"] // DAY
        del trans["_order"]
        return trans, np.where(reopen, re_res, res)


def _describe(category: str, fault: int, city: str, rng: np.random.Generator) -> str:
    if category == "consultation":
        return catalog.CONSULTATIONS[int(rng.integers(0, len(catalog.CONSULTATIONS)))]
    if category == "complaint":
        return catalog.COMPLAINTS[int(rng.integers(0, len(catalog.COMPLAINTS)))]
    flt = catalog.FAULTS[fault]
    k = 1 + int(rng.random() < 0.6)
    symptoms = "，".join(flt.symptoms[i] for i in sorted(rng.choice(len(flt.symptoms), min(k, len(flt.symptoms)), replace=False)))
    who = catalog.WHO[int(rng.integers(0, len(catalog.WHO)))]
    when = catalog.WHEN[int(rng.integers(0, len(catalog.WHEN)))]
    tail = catalog.TAIL[int(rng.integers(0, len(catalog.TAIL)))].format(city=city)
    return f"{who}{when}{symptoms}{tail}"


def _resolution(category: str, fault: int, rng: np.random.Generator) -> str:
    if category == "consultation":
        return catalog.CONSULT_ANSWERS[int(rng.integers(0, len(catalog.CONSULT_ANSWERS)))]
    if category == "complaint":
        return catalog.COMPLAINT_ANSWERS[int(rng.integers(0, len(catalog.COMPLAINT_ANSWERS)))]
    return catalog.FAULTS[fault].resolution + catalog.FIX_TAIL[int(rng.integers(0, len(catalog.FIX_TAIL)))]


def header_rows(header: Frame, trans: Frame) -> Frame:
    """One header row per work order and day its status changed, as of the day's last stage."""
    t = trans
    day = t["_day"]
    order = np.lexsort((t["seq"], day, t["work_order_id"]))
    wo, d = t["work_order_id"][order], day[order]
    last = np.r_[(wo[1:] != wo[:-1]) | (d[1:] != d[:-1]), True]
    sel = order[last]
    pos = {w: i for i, w in enumerate(header["work_order_id"])}
    hi = np.array([pos[w] for w in t["work_order_id"][sel]], dtype=np.int64)
    rows = take(header, hi)
    rows["status"] = t["stage"][sel]
    rows["updated_at"] = t["stage_at"][sel]
    rows["_day"] = t["_day"][sel]
    return rows
