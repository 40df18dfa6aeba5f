"""Hand-made calls and work orders whose contact-centre KPIs are known exactly.

All times are UTC (Beijing = UTC+8). The story, queue `service` on Monday 2026-02-02:

| call | caller | queued   | outcome                                   | handle s | agent |
|------|--------|----------|-------------------------------------------|----------|-------|
| S1   | P1     | 09:00:00 | answered after 10 s (within 20 s)         | 150      | A1    |
| S2   | unknown| 09:05:00 | answered after 30 s                       | 240      | A2    |
| S3   | P1     | 09:10:00 | hung up after 3 s: short abandon          | -        | -     |
| S4   | P2     | 09:15:00 | hung up after 60 s: abandon               | -        | -     |
| S5   | P2     | 09:29:50 | answered 09:30:15, after 25 s: crosses the interval boundary, stays in 09:00 | 60 | A1 |
| S6   | P1     | 09:40:00 | answered after 5 s, transferred to repair, answered there by A3 | 50+10 + 120+20 | A3 |

Later: S7 P1 service 2026-02-12 (10 days after S6: outside 7 days); S8 P2 repair
2026-02-02 16:10 UTC (Beijing 2026-02-03 00:10; another issue); S9 P2 service
2026-02-10 (more than 7 days after S5). Surveys: S1 5, S2 3, S6 4.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from tests.transforms.raw_fixture import _customer, _phone, create_raw_schema, insert

P1 = "+8613800000001"
P2 = "+8613800000002"


def _t(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, second)


def _leg(call_id: str, ani: str | None, queue: str, queued: datetime, *, wait: int, answered: bool,
         talk: int = 0, hold: int = 0, wrap: int = 0, agent: str | None = None, leg_no: int = 1,
         disposition: str | None = None, transfer_to: str | None = None) -> dict:
    from datetime import timedelta

    answered_at = queued + timedelta(seconds=wait) if answered else None
    ended_at = (answered_at + timedelta(seconds=talk + hold)) if answered else queued + timedelta(seconds=wait)
    return {
        "call_id": call_id, "leg_no": leg_no, "direction": "inbound", "ani": ani or "anonymous",
        "ani_e164": ani, "ani_kind": "mobile" if ani else None, "queue": queue, "ivr_path": "MAIN-1",
        "started_at": queued, "enqueued_at": queued, "answered_at": answered_at, "ended_at": ended_at,
        "agent_id": agent, "talk_seconds": talk, "hold_seconds": hold, "wrapup_seconds": wrap,
        "disposition": disposition or ("answered" if answered else "abandoned"), "transfer_to_queue": transfer_to,
    }


def calls() -> dict[str, list[dict]]:
    legs = [
        _leg("S1", P1, "service", _t(2, 9), wait=10, answered=True, talk=100, hold=20, wrap=30, agent="A1"),
        _leg("S2", None, "service", _t(2, 9, 5), wait=30, answered=True, talk=200, wrap=40, agent="A2"),
        _leg("S3", P1, "service", _t(2, 9, 10), wait=3, answered=False),
        _leg("S4", P2, "service", _t(2, 9, 15), wait=60, answered=False),
        _leg("S5", P2, "service", _t(2, 9, 29, 50), wait=25, answered=True, talk=60, agent="A1"),
        _leg("S6", P1, "service", _t(2, 9, 40), wait=5, answered=True, talk=50, hold=10, agent="A1",
             disposition="transferred", transfer_to="repair"),
        _leg("S6", P1, "repair", _t(2, 9, 41, 10), wait=10, answered=True, talk=120, wrap=20, agent="A3", leg_no=2),
        _leg("S7", P1, "service", _t(12, 9, 40), wait=5, answered=True, talk=100, agent="A1"),
        _leg("S8", P2, "repair", _t(2, 16, 10), wait=5, answered=True, talk=100, agent="A3"),
        _leg("S9", P2, "service", _t(10, 10), wait=5, answered=True, talk=100, agent="A1"),
    ]
    surveys = [
        {"call_id": "S1", "agent_id": "A1", "score": 5, "surveyed_at": _t(2, 9, 5)},
        {"call_id": "S2", "agent_id": "A2", "score": 3, "surveyed_at": _t(2, 9, 10)},
        {"call_id": "S6", "agent_id": "A3", "score": 4, "surveyed_at": _t(2, 9, 50)},
    ]
    customers = [_customer("CP1", "赵一"), _customer("CP2", "钱二", birth=None)]
    phones = [_phone("CP1", P1), _phone("CP2", P2)]
    return {"acd__call_legs": legs, "acd__surveys": surveys, "crm__customers": customers, "crm__phones": phones}


def _order(wid: str, category: str, priority: str, sla: int, region: str, created: datetime,
           updated: datetime, status: str) -> dict:
    return {"work_order_id": wid, "created_at": created, "updated_at": updated, "customer_id": "CP2",
            "category": category, "priority": priority, "component": "engine", "status": status,
            "sla_hours": sla, "region_office": region}


def _stages(wid: str, region: str, *stages: tuple) -> list[dict]:
    rows = []
    for seq, (stage, at, *rest) in enumerate(stages, start=1):
        engineer = rest[0] if rest else None
        score = rest[1] if len(rest) > 1 else None
        rows.append({"work_order_id": wid, "seq": seq, "stage": stage, "stage_at": at, "engineer_id": engineer,
                     "region_office": region, "callback_score": score})
    return rows


def work_orders() -> dict[str, list[dict]]:
    """WA repair P2 (SLA 24 h) resolved in 6 h; WB rescue P1 (SLA 4 h) resolved in 5 h,
    reopened, callback 2; WC complaint P2 (SLA 48 h) still accepted and overdue; WD
    consultation P4 (SLA 72 h) resolved in 24 h, last stage change of all (as of)."""
    east, north = "华东服务中心", "华北服务中心"
    orders = [
        _order("WA", "repair", "P2", 24, east, _t(2, 8), _t(3, 10), "callback"),
        _order("WB", "rescue", "P1", 4, east, _t(2, 10), _t(3, 13), "callback"),
        _order("WC", "complaint", "P2", 48, north, _t(4, 8), _t(4, 9), "accepted"),
        _order("WD", "consultation", "P4", 72, north, _t(9, 9), _t(10, 9), "resolved"),
    ]
    transitions = (
        _stages("WA", east, ("created", _t(2, 8)), ("dispatched", _t(2, 9), "E1"), ("accepted", _t(2, 9, 30), "E1"),
                ("on_site", _t(2, 11, 30), "E1"), ("resolved", _t(2, 14), "E1"), ("closed", _t(3, 8)),
                ("callback", _t(3, 10), None, 5))
        + _stages("WB", east, ("created", _t(2, 10)), ("dispatched", _t(2, 10, 30), "E2"),
                  ("on_site", _t(2, 12), "E2"), ("resolved", _t(2, 15), "E2"), ("closed", _t(2, 16)),
                  ("reopened", _t(3, 9)), ("on_site", _t(3, 10), "E2"), ("resolved", _t(3, 11), "E2"),
                  ("closed", _t(3, 12)), ("callback", _t(3, 13), None, 2))
        + _stages("WC", north, ("created", _t(4, 8)), ("dispatched", _t(4, 8, 30), "E3"),
                  ("accepted", _t(4, 9), "E3"))
        + _stages("WD", north, ("created", _t(9, 9)), ("resolved", _t(10, 9)))
    )
    # the roster as of WD's resolution (day 10, 09:00): E3 is on duty in 华北; E4's shift there
    # ended the day before, and E1's in 华东 ends at 09:00 sharp (off duty by then)
    roster = [
        {"engineer_id": "E3", "region_office": north, "skills": "engine", "on_duty_from": _t(10, 1),
         "on_duty_to": _t(10, 13), "updated_at": _t(9, 22)},
        {"engineer_id": "E4", "region_office": north, "skills": "engine", "on_duty_from": _t(9, 1),
         "on_duty_to": _t(9, 13), "updated_at": _t(8, 22)},
        {"engineer_id": "E1", "region_office": east, "skills": "engine;brakes", "on_duty_from": _t(9, 21),
         "on_duty_to": _t(10, 9), "updated_at": _t(9, 20)},
    ]
    return {"ticketing__work_orders": orders, "ticketing__transitions": transitions, "ticketing__roster": roster}


def build_kpi_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        for table, rows in {**calls(), **work_orders()}.items():
            insert(con, table, rows)
    finally:
        con.close()
    return path
