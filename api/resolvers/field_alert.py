"""FieldAlert: the alert list and one alert with its evidence (api.field_quality)."""

from __future__ import annotations

from api import field_quality
from api.limits import LIST_SIZES


def field_alerts(_root, info, state=None, since=None, model=None, component=None, first=50):
    return field_quality.list_alerts(info.context.batch.con, state, since, model, component, first)


def field_alert(_root, info, id):
    return field_quality.get_alert(info.context.batch.con, id)


def series(root, info):
    return field_quality.series(info.context.batch.con, root["id"])[-LIST_SIZES["series"]:]  # the latest days


def failures(root, info, first=100):
    return field_quality.failures(info.context.batch.con, root["id"], first)


def batches(root, info):
    return field_quality.counts(info.context.batch.con, root["id"], "build_batch")[:LIST_SIZES["batches"]]


def regions(root, info):
    return field_quality.counts(info.context.batch.con, root["id"], "region_office")[:LIST_SIZES["regions"]]


RESOLVERS = {
    ("Query", "fieldAlerts"): field_alerts,
    ("Query", "fieldAlert"): field_alert,
    ("FieldAlert", "series"): series,
    ("FieldAlert", "failures"): failures,
    ("FieldAlert", "batches"): batches,
    ("FieldAlert", "regions"): regions,
}
