"""Dispatch: engineers on duty, their open orders, suggested assignees, the SLA worklist (api.dispatch)."""

from __future__ import annotations

from api import dispatch


def engineers_on_duty(_root, info, region, at=None, first=50, after=None):
    return dispatch.on_duty(info.context.batch.con, region, at, first, after)


def open_orders(root, info, first=5):
    return dispatch.orders_of(info.context.batch.con, root, first)


def suggest_assignee(_root, info, workOrderId=None, region=None, component=None, category=None, at=None,  # noqa: N803
                     first=3):
    return dispatch.suggest(info.context.batch.con, work_order_id=workOrderId, region=region, component=component,
                            category=category, at=at, first=first)


def sla_at_risk(_root, info, first=50, after=None, region=None):
    return dispatch.worklist(info.context.batch.con, first, after, region)


RESOLVERS = {
    ("Query", "engineersOnDuty"): engineers_on_duty,
    ("Query", "suggestAssignee"): suggest_assignee,
    ("Query", "slaAtRisk"): sla_at_risk,
    ("Engineer", "openOrders"): open_orders,
}
