"""Roles and the fields each may read: the one place field-level access is decided.

A role lists, per GraphQL type, the fields it may select (ALL = every field of the type);
a type it does not list is closed to it. A query that selects a closed field is rejected
before it runs, so no resolver needs to know about roles; only Phone.number differs in
value by role (masked or full).
"""

from __future__ import annotations

from collections.abc import Mapping

ROLES = ("agent", "contact_engine", "marketer", "rnd", "executive", "admin")
ALL = frozenset({"*"})

# Plumbing every role that may query customers needs.
_PAGING = {"CustomerConnection": ALL, "CustomerEdge": ALL, "PageInfo": ALL, "Build": ALL}
_SCREEN_POP = {
    "Query": ALL,
    "Customer": ALL,
    "Phone": ALL,
    "Vehicle": ALL,
    "VehicleHealth": ALL,
    "Call": ALL,
    "WorkOrder": ALL,
    "Lifecycle": ALL,
    "Contact": ALL,
    "Consent": ALL,
    "OfferResponse": ALL,
    "ChurnReason": ALL,
    "SimilarCase": ALL,
    **_PAGING,
}
# the contact engine's write-backs (docs/writeback.md)
_WRITE_BACK = {"Mutation": ALL, "WriteBackResult": ALL}
# consent-aware cross-sell lists (api/marketing.py): the marketer's own types
_MARKETING = {"CrossSellConnection": ALL, "CrossSellEdge": ALL, "CrossSellRow": ALL}
# who may export a list as CSV over HTTP (GET /export/cross-sell.csv)
EXPORT_ROLES = frozenset({"marketer"})
# Contact-centre KPIs, staffing and forecast accuracy: aggregates for executives and admins.
_KPIS = {"KpiRow": ALL, "Ratio": ALL, "StaffingPlan": ALL, "StaffingInterval": ALL, "ForecastAccuracy": ALL}
_LIFECYCLE_ONLY = frozenset({"id", "customerType", "city", "segment", "lifecycle"})

VISIBLE: Mapping[str, Mapping[str, frozenset[str]]] = {
    "agent": _SCREEN_POP,
    "contact_engine": {**_SCREEN_POP, **_WRITE_BACK},
    "admin": {**_SCREEN_POP, **_WRITE_BACK, **_KPIS},
    # consent-aware marketing: segment and lifecycle, never contact details or history
    "marketer": {"Query": ALL, "Customer": _LIFECYCLE_ONLY, "Lifecycle": ALL, **_PAGING, **_MARKETING},
    # field quality: vehicles and their health, no personal data
    "rnd": {
        "Query": frozenset({"customer", "servingBuild", "fieldAlerts", "fieldAlert"}),
        "Customer": frozenset({"id", "vehicles"}),
        "Vehicle": ALL,
        "VehicleHealth": ALL,
        "Build": ALL,
        # field alerts and their evidence: vehicles, work orders, masked texts; no person
        "FieldAlert": ALL,
        "FieldAlertDay": ALL,
        "FieldFailure": ALL,
        "FieldCount": ALL,
    },
    "executive": {
        "Query": ALL,
        "Customer": _LIFECYCLE_ONLY,
        "Lifecycle": frozenset({"stage", "churnRisk", "valueCny", "callCount", "openWorkOrderCount"}),
        **_PAGING,
        **_KPIS,
    },
}

# Roles that see phone numbers in full (they dial them); the others see 138****8000.
FULL_PHONE_ROLES = frozenset({"contact_engine", "admin"})


def may_read(role: str, type_name: str, field_name: str) -> bool:
    fields = VISIBLE.get(role, {}).get(type_name)
    if fields is None:
        return field_name == "__typename"
    return fields is ALL or field_name in fields or field_name == "__typename"
