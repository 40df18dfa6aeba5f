"""Service layer of dispatch: engineers on duty (the roster), their open orders and load,
suggested assignees (the rule is hub.dispatch.rank) and the SLA worklist, from the serving
store (docs/dispatch.md). Nothing here names a customer, so these reads audit no profile."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from api.privacy import instant
from api.profiles import BadArgument
from api.store import Reader
from hub import dispatch as rule

MAX_SUGGESTIONS = 20
MAX_WORKLIST_PAGE = 100
MAX_ORDERS = 20
MAX_ON_DUTY = 100
_MAX_NAME = 40

_ON_DUTY = """
select s.engineer_id as "engineerId", s.region_office as "regionOffice", s.engineer_skills as skills,
    s.shift_started_at as "onDutyFrom", s.shift_ended_at as "onDutyUntil",
    (select count(*) from engineer_open_orders o where o.engineer_id = s.engineer_id) as load
from engineer_shifts s
where s.region_office = :region and s.shift_ended_at > :at and s.shift_started_at <= :at and s.engineer_id > :after
order by s.engineer_id, s.shift_ended_at desc
"""
_REGION_KNOWN = "select 1 as known from engineer_shifts where region_office = :region limit 1"
_ORDERS = """
select work_order_id as "workOrderId", engineer_id as "engineerId", region_office as "regionOffice",
    work_order_category as category, work_order_priority as priority, work_order_status as status, component,
    fault_code as "faultCode", created_at as "createdAt", sla_due_at as "slaDueAt"
from engineer_open_orders where engineer_id in ({ids}) order by engineer_id, created_at, work_order_id
"""
_ORDER = """
select work_order_id as "workOrderId", region_office as "regionOffice", work_order_category as category, component
from engineer_open_orders where work_order_id = :work_order_id
"""
_WORKLIST = """
select stage_sla_id as "_id", work_order_id as "workOrderId", sla_measure as measure, work_order_status as stage,
    work_order_category as category, work_order_priority as priority, region_office as "regionOffice",
    engineer_id as "engineerId", sla_state as state, target_minutes as "targetMinutes",
    elapsed_minutes as "elapsedMinutes", minutes_left as "minutesLeft", started_at as "startedAt", due_at as "dueAt",
    as_of_at as "asOf"
from sla_worklist
where {where}
order by minutes_left, stage_sla_id
limit :limit
"""


def _at(value: object) -> str:
    """`at` (ISO 8601 with a zone; default now) as the serving store's naive UTC text."""
    when = instant("at", value) or datetime.now(UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as the publish step writes them


def _name(argument: str, value: str | None) -> str | None:
    if value is not None and (not value.strip() or len(value) > _MAX_NAME):
        raise BadArgument(f"{argument} must be 1 to {_MAX_NAME} characters")
    return value


def _known_region(con: Reader, region: str) -> None:
    if not con.rows(_REGION_KNOWN, {"region": region}):
        raise BadArgument(f"region {region!r} is no region office of the roster")


def on_duty(con: Reader, region: str, at: object = None, first: int | None = None,
            after: str | None = None) -> list[dict[str, Any]]:
    """The engineers on duty in a region at a time, by engineer id (one row each), after
    the engineer id `after`, at most `first` (all when None)."""
    region = _name("region", region)
    if first is not None and not 0 < first <= MAX_ON_DUTY:
        raise BadArgument(f"engineersOnDuty(first: {first}): first must be between 1 and {MAX_ON_DUTY}")
    rows = con.rows(_ON_DUTY, {"region": region, "at": _at(at), "after": _name("after", after) or ""})
    if not rows and not after:
        _known_region(con, region)
    seen: dict[str, dict] = {}
    for row in rows:  # two overlapping shifts of one engineer: the one ending last
        if row["engineerId"] not in seen:
            row["skills"] = list(rule.skills_of(row["skills"]))
            seen[row["engineerId"]] = row
    engineers = list(seen.values())[:first]
    batch = {"ids": [e["engineerId"] for e in engineers], "orders": None}
    for engineer in engineers:  # Engineer.openOrders loads every listed engineer's orders at once
        engineer["_batch"] = batch
    return engineers


def orders_of(con: Reader, engineer: dict[str, Any], first: int) -> list[dict[str, Any]]:
    """Engineer.openOrders: one query for every engineer of the same answer."""
    if not 0 < first <= MAX_ORDERS:
        raise BadArgument(f"openOrders(first: {first}): first must be between 1 and {MAX_ORDERS}")
    batch = engineer.get("_batch") or {"ids": [engineer["engineerId"]], "orders": None}
    if batch["orders"] is None:
        batch["orders"] = open_orders(con, batch["ids"])
    return batch["orders"].get(engineer["engineerId"], [])[:first]


def open_orders(con: Reader, engineer_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The open orders of each engineer, oldest first, in one query."""
    ids = sorted(set(engineer_ids))
    out: dict[str, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    params = {f"e{k}": engineer_id for k, engineer_id in enumerate(ids)}
    for row in con.rows(_ORDERS.format(ids=", ".join(f":{k}" for k in params)), params):
        out[row["engineerId"]].append(row)
    return out


def _parsed(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def suggest(con: Reader, *, work_order_id: str | None, region: str | None, component: str | None,
            category: str | None, at: object, first: int) -> list[dict[str, Any]]:
    """Engineers for one order, best first (hub.dispatch.rank), with the rule's reasons."""
    if not 0 < first <= MAX_SUGGESTIONS:
        raise BadArgument(f"suggestAssignee(first: {first}): first must be between 1 and {MAX_SUGGESTIONS}")
    if (work_order_id is None) == (region is None):
        raise BadArgument("suggestAssignee needs either workOrderId or region (with component, category), not both")
    if work_order_id is not None:
        if len(work_order_id) > 32:
            raise BadArgument("workOrderId is at most 32 characters")
        if component is not None or category is not None:
            raise BadArgument("component and category come from the work order: give them only with region")
        found = con.rows(_ORDER, {"work_order_id": work_order_id})
        if not found:
            raise BadArgument(f"work order {work_order_id!r} is no open work order of the served build")
        order = found[0]
        region, component, category = order["regionOffice"], order["component"], order["category"]
    try:
        rule.check_request(category, component)
    except rule.DispatchError as error:
        raise BadArgument(str(error)) from None
    engineers = on_duty(con, region, at)
    candidates = [rule.OnDuty(e["engineerId"], e["regionOffice"], tuple(e["skills"]), _parsed(e["onDutyFrom"]),
                              _parsed(e["onDutyUntil"]), int(e["load"])) for e in engineers]
    by_id = {e["engineerId"]: e for e in engineers}
    return [{"engineer": by_id[c.engineer_id], "reasons": reasons}
            for c, reasons in rule.rank(candidates, component)[:first]]


def _cursor(row: dict) -> str:
    return base64.urlsafe_b64encode(f"{row['minutesLeft']!r}|{row['_id']}".encode()).decode()


def _after(cursor: str) -> tuple[float, str]:
    try:
        left, _, stage_sla_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if not stage_sla_id:
            raise ValueError(cursor)
        return float(left), stage_sla_id
    except (ValueError, UnicodeDecodeError):
        raise BadArgument("`after` is not a cursor of slaAtRisk (use pageInfo.endCursor)") from None


def worklist(con: Reader, first: int, after: str | None, region: str | None) -> dict[str, Any]:
    """One page of the SLA worklist, most urgent first, and whether more follow."""
    if not 0 < first <= MAX_WORKLIST_PAGE:
        raise BadArgument(f"slaAtRisk(first: {first}): first must be between 1 and {MAX_WORKLIST_PAGE}")
    clauses, params = ["1 = 1"], {"limit": first + 1}
    if _name("region", region) is not None:
        clauses.append("region_office = :region")
        params["region"] = region
    if after:
        params["after_left"], params["after_id"] = _after(after)
        clauses.append("(minutes_left > :after_left or (minutes_left = :after_left and stage_sla_id > :after_id))")
    rows = con.rows(_WORKLIST.format(where=" and ".join(clauses)), params)
    edges = [{"cursor": _cursor(row), "node": row} for row in rows[:first]]
    return {"edges": edges, "pageInfo": {"hasNextPage": len(rows) > first,
                                         "endCursor": edges[-1]["cursor"] if edges else None}}
