"""Dispatch rules: which work orders need a field engineer, and whom to suggest for one.

The suggested assignee of a work order (suggestAssignee, docs/dispatch.md) is, among the
engineers on duty in the order's region office at the time asked about:

1. only those whose skills include the order's component (any skill when it has none);
2. the least loaded first: fewest open work orders assigned to them;
3. then the one whose shift runs longest past that time (more of the shift left for the job);
4. then the engineer id, so the answer is the same for the same data.

An engineer is on duty at t when their shift started at or before t and ends after t.
Only repairs and rescues send an engineer; consultations and complaints have no field stages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hub.vocabulary import COMPONENTS, WORK_ORDER_CATEGORIES

FIELD_CATEGORIES = ("repair", "rescue")
SKILL_SEPARATOR = ";"


class DispatchError(ValueError):
    """An order or request no engineer can be suggested for; the message says why."""


@dataclass(frozen=True)
class OnDuty:
    engineer_id: str
    region_office: str
    skills: tuple[str, ...]
    on_duty_from: datetime
    on_duty_until: datetime
    open_orders: int


def skills_of(text: str | None) -> tuple[str, ...]:
    """The roster's 'brakes;engine' as a sorted tuple of skills."""
    return tuple(sorted({s.strip() for s in (text or "").split(SKILL_SEPARATOR) if s.strip()}))


def check_request(category: str | None, component: str | None) -> None:
    if category is not None and category not in WORK_ORDER_CATEGORIES:
        raise DispatchError(f"category {category[:40]!r} is not one of {', '.join(WORK_ORDER_CATEGORIES)}")
    if category is not None and category not in FIELD_CATEGORIES:
        raise DispatchError(f"a {category} sends no engineer (only {' and '.join(FIELD_CATEGORIES)} orders do)")
    if component is not None and component not in COMPONENTS:
        raise DispatchError(f"component {component[:40]!r} is not one of {', '.join(COMPONENTS)}")


def rank(on_duty: Iterable[OnDuty], component: str | None) -> list[tuple[OnDuty, list[str]]]:
    """The skilled engineers on duty, best first (the module's rule), each with its reasons."""
    skilled = [e for e in on_duty if component is None or component in e.skills]
    ordered = sorted(skilled, key=lambda e: (e.open_orders, -e.on_duty_until.timestamp(), e.engineer_id))
    fewest = ordered[0].open_orders if ordered else 0
    out = []
    for e in ordered:
        reasons = [f"on duty in {e.region_office} until {e.on_duty_until:%Y-%m-%d %H:%M} UTC"]
        if component is not None:
            reasons.append(f"repairs {component}")
        load = f"{e.open_orders} open work order{'' if e.open_orders == 1 else 's'}"
        reasons.append(load + (" (the fewest of the skilled engineers on duty)" if e.open_orders == fewest else ""))
        out.append((e, reasons))
    return out
