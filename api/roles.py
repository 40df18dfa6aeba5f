"""Roles and the fields each may read: the one place field-level access is decided.

A role lists, per GraphQL type, the fields it may select (ALL = every field of the type);
a type it does not list is closed to it. A query that selects a closed field is rejected
before it runs, so no resolver needs to know about roles; only Phone.number differs in
value by role (masked or full).
"""

from __future__ import annotations

from collections.abc import Mapping

ROLES = ("agent", "contact_engine", "marketer", "rnd", "executive", "privacy", "admin")
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
# the contact engine's write-backs (docs/writeback.md); eraseCustomer is the privacy role's
_WRITE_BACK = {"Mutation": frozenset({"recordContact", "openWorkOrder", "advanceWorkOrder", "recordSurvey",
                                      "recordOfferResponse", "setConsent"}), "WriteBackResult": ALL}
# the audit log (docs/privacy.md "Reading the audit log")
_AUDIT = {"AuditConnection": ALL, "AuditEdge": ALL, "AuditEntry": ALL, "PageInfo": ALL}
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
    "admin": {**_SCREEN_POP, **_WRITE_BACK, **_KPIS, **_AUDIT},
    # privacy officer: erasure requests and the audit log; no profile
    "privacy": {"Query": frozenset({"auditLog", "servingBuild"}), "Build": ALL, **_AUDIT,
                "Mutation": frozenset({"eraseCustomer"}), "ErasureResult": ALL, "StoreCount": ALL},
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


def _readers(type_name: str, field_name: str) -> frozenset[str]:
    return frozenset(role for role in ROLES if may_read(role, type_name, field_name))


# Who may look a customer up by which argument: a lookup is an oracle for the value it
# matches (a hit confirms a guessed phone number or name), so a role may look up only by
# what it may read. (field, argument) -> roles; every argument of customer and
# searchCustomers has a rule (tests/api/test_hardening.py checks against the SDL).
LOOKUPS: Mapping[tuple[str, str], frozenset[str]] = {
    ("customer", "id"): _readers("Customer", "id"),
    # roles that read numbers in full; agent too for now: its screen-pop by phone is
    # served until the desk looks up through the contact engine (an open oracle, issue 18)
    ("customer", "phone"): FULL_PHONE_ROLES | {"agent"},
    # a VIN is read by roles that read vehicles
    ("customer", "vin"): _readers("Vehicle", "vin"),
    # CRM ids are contact-center records: roles that read the whole profile
    ("customer", "crmId"): _readers("Customer", "crmRecordCount"),
    # the text matches names: roles that read names
    ("searchCustomers", "text"): _readers("Customer", "name"),
    ("searchCustomers", "first"): _readers("Customer", "name"),
    ("searchCustomers", "after"): _readers("Customer", "name"),
}


def lookup_refusal(role: str, field_name: str, arguments: Mapping[str, object]) -> str | None:
    """Why `role` may not call Query.<field_name> with these (non-null) arguments, or None."""
    for argument, value in arguments.items():
        if value is not None and role not in LOOKUPS.get((field_name, argument), frozenset()):
            allowed = ", ".join(r for r in ROLES if r in LOOKUPS.get((field_name, argument), ()))
            return f"role {role} may not use {field_name}({argument}:) (roles: {allowed or 'none'})"
    return None


def lookup_table() -> str:
    """LOOKUPS as the Markdown table docs/api.md shows (a test keeps the two equal)."""
    lines = ["| argument | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for (field_name, argument), allowed in LOOKUPS.items():
        marks = " | ".join("yes" if role in allowed else "no" for role in ROLES)
        lines.append(f"| `{field_name}({argument}:)` | {marks} |")
    return "\n".join(lines)
