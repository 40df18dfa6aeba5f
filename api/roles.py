"""Roles, the fields each may read and the arguments each may look customers up by: the one
place access is decided.

A role lists, per GraphQL type, the fields it may select (ALL = every field of the type);
a type it does not list is closed to it. Query, the entry points, is always listed field by
field, so a new Query field is closed to every role until it is added here. A query that
selects a closed field is rejected before it runs, so no resolver needs to know about
roles; only Phone.number differs in value by role (masked or full).

Access follows what each role works from: agents and the contact engine from one customer
at a time (the screen-pop), a marketer from consent-aware lists (crossSellList, the CSV
export: only customers eligible for marketing), an executive from aggregates (KPIs,
staffing, forecast accuracy), R&D from vehicles and field alerts. Marketers and executives
therefore have no individual customer lookup at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ROLES = ("agent", "contact_engine", "marketer", "sales", "rnd", "executive", "supervisor", "dispatcher", "privacy",
         "steward", "admin")
ALL = frozenset({"*"})

# Plumbing every role that may query customers needs.
_PAGING = {"CustomerConnection": ALL, "CustomerEdge": ALL, "PageInfo": ALL, "Build": ALL}
_SCREEN_POP_TYPES = {
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
    "ServiceHistoryConnection": ALL,
    "ServiceHistoryEdge": ALL,
    "ServiceRecord": ALL,
    "PartUsed": ALL,
    "ActiveFault": ALL,
    "VehicleFieldAlert": ALL,
    **_PAGING,
}
# the knowledge base (docs/agent_desk.md): articles, their search and the screen-pop's suggestions
_KNOWLEDGE_TYPES = {"KnowledgeArticle": ALL, "KnowledgeArticleVersion": ALL, "KnowledgeResults": ALL,
                    "ScoredArticle": ALL, "Suggestion": ALL, "SimilarCase": ALL}
_KNOWLEDGE_READS = frozenset({"searchKnowledge", "knowledgeArticle"})
# who writes articles: R&D, and field engineers through the contact engine's ticketing app
_KNOWLEDGE_WRITE = {"Mutation": frozenset({"writeKnowledgeArticle"}), "KnowledgeWriteResult": ALL}
_SCREEN_POP_TYPES |= _KNOWLEDGE_TYPES
_LOOKUP_FIELDS = frozenset({"customer", "searchCustomers", "similarCases", "servingBuild", *_KNOWLEDGE_READS})
_SCREEN_POP = {"Query": _LOOKUP_FIELDS, **_SCREEN_POP_TYPES}
# the contact engine's write-backs (docs/writeback.md); eraseCustomer is the privacy role's
_WRITE_BACK = {"Mutation": frozenset({"recordContact", "openWorkOrder", "advanceWorkOrder", "recordSurvey",
                                      "recordOfferResponse", "setConsent", *_KNOWLEDGE_WRITE["Mutation"]}),
               "WriteBackResult": ALL, "KnowledgeWriteResult": ALL}
# the audit log (docs/privacy.md "Reading the audit log")
# QA reviews of the week's sampled calls (docs/contact_center.md "QA sampling")
_QA_REVIEW = {"Mutation": frozenset({"recordQaReview"}), "WriteBackResult": ALL}
# scorecards per agent, team and site (aggregates: executives too) and the week's QA sample
_SCORECARDS = {"ScorecardRow": ALL, "Ratio": ALL}
_QA_SAMPLES = {"QaSample": ALL, "QaScore": ALL}
_AUDIT = {"AuditConnection": ALL, "AuditEdge": ALL, "AuditEntry": ALL, "PageInfo": ALL}
# consent-aware cross-sell lists (api/marketing.py): the marketer's own types
_MARKETING = {"CrossSellConnection": ALL, "CrossSellEdge": ALL, "CrossSellRow": ALL,
              "RetentionConnection": ALL, "RetentionEdge": ALL, "RetentionRow": ALL, "OfferConversion": ALL}
# service notices (api/service_notices.py): the roles that dial, so the numbers are in full
_SERVICE_NOTICE = {"ServiceNoticeConnection": ALL, "ServiceNoticeEdge": ALL, "ServiceNoticeRow": ALL}
SERVICE_NOTICE_ROLES = frozenset({"contact_engine", "admin"})
# who may export a list as CSV over HTTP (GET /export/cross-sell.csv)
EXPORT_ROLES = frozenset({"marketer"})
# sales' hand-over list of leads (api/leads.py) and their status write-back: the numbers in full
_SALES_LEADS = {"SalesLeadConnection": ALL, "SalesLeadEdge": ALL, "SalesLead": ALL}
LEAD_ROLES = frozenset({"sales"})
# identity stewardship (docs/identity.md "Stewardship"): overrides and each customer's history
_STEWARD_WRITE = frozenset({"setIdentityOverride"})
_STEWARDSHIP = {"IdentityChange": ALL, "IdentityOverride": ALL, "IdentityOverrideResult": ALL}
# Fields closed to roles that may otherwise read their whole type: field -> the roles that may.
# identityHistory carries CRM record ids and stewards' free-text reasons, which a screen-pop
# does not need; stewards and admins read it.
RESTRICTED: Mapping[tuple[str, str], frozenset[str]] = {
    ("Customer", "identityHistory"): frozenset({"steward", "admin"}),
}
# Contact-centre KPIs, staffing and forecast accuracy: aggregates for executives and admins.
_KPI_FIELDS = frozenset({"kpis", "staffingPlan", "forecastAccuracy"})
_KPIS = {"KpiRow": ALL, "Ratio": ALL, "StaffingPlan": ALL, "StaffingInterval": ALL, "ForecastAccuracy": ALL}
# a field alert without the failures behind it (affected VINs, work orders, fault texts)
_FIELD_ALERT_SUMMARY = {
    "FieldAlert": frozenset({
        "id", "level", "modelCode", "component", "buildBatch", "state", "severity", "openedDate", "lastSignalDate",
        "closedDate", "asOfDate", "windowDays", "observedFailures", "expectedFailures", "rateRatio", "peakRateRatio",
        "pValue", "qValue", "failuresSinceOpened", "affectedVehicleCount", "affectedBatchCount",
        "affectedRegionCount", "workOrderCount", "callCount", "series", "batches", "regions"}),
    "FieldAlertDay": ALL, "FieldCount": ALL,
}
# Dispatch (docs/dispatch.md): engineers on duty, their open orders, suggested assignees and
# the SLA worklist; orders and employee ids, no customer
_DISPATCH_FIELDS = frozenset({"engineersOnDuty", "suggestAssignee", "slaAtRisk"})
_DISPATCH = {"Engineer": ALL, "DispatchOrder": ALL, "AssigneeSuggestion": ALL, "SlaAtRiskConnection": ALL,
             "SlaAtRiskEdge": ALL, "SlaMeasure": ALL, "PageInfo": ALL}
VISIBLE: Mapping[str, Mapping[str, frozenset[str]]] = {
    "agent": _SCREEN_POP,
    "contact_engine": {**_SCREEN_POP, "Query": _LOOKUP_FIELDS | {"serviceNoticeList"}, **_WRITE_BACK,
                       **_SERVICE_NOTICE},
    "admin": {**_SCREEN_POP, "Query": _LOOKUP_FIELDS | _KPI_FIELDS | _DISPATCH_FIELDS
              | {"auditLog", "serviceNoticeList", "knowledgeContributions", "identityOverrides", "scorecards",
                 "qaSamples", "alertDeliveries"},
              **_WRITE_BACK, **_KPIS, **_AUDIT, **_SERVICE_NOTICE, **_DISPATCH, "KnowledgeContribution": ALL,
              **_STEWARDSHIP, **_SCORECARDS, **_QA_SAMPLES, "AlertDelivery": ALL, "AlertDeliveryAttempt": ALL,
              "Mutation": _WRITE_BACK["Mutation"] | _QA_REVIEW["Mutation"] | _STEWARD_WRITE},
    # privacy officer: erasure requests and the audit log; no profile
    "privacy": {"Query": frozenset({"auditLog", "servingBuild"}), "Build": ALL, **_AUDIT,
                "Mutation": frozenset({"eraseCustomer"}), "ErasureResult": ALL, "StoreCount": ALL},
    # data steward: finds a customer by id or CRM record id and reads how identity made it; no
    # name, phone or activity. Writes never-link / always-link overrides
    "steward": {"Query": frozenset({"customer", "identityOverrides", "servingBuild"}), "Build": ALL,
                "Customer": frozenset({"id", "crmRecordCount", "identityHistory"}), **_STEWARDSHIP,
                "Mutation": _STEWARD_WRITE},
    # consent-aware lists only: no lookup of a customer (who may not be eligible for marketing)
    "marketer": {"Query": frozenset({"crossSellList", "retentionList", "offerConversions", "servingBuild"}),
                 "PageInfo": ALL, "Build": ALL,
                 **_MARKETING},
    # sales: the hand-over list of leads (numbers in full: they call them back) and its status write-back;
    # no lookup of a customer
    "sales": {"Query": frozenset({"salesLeads", "servingBuild"}), "PageInfo": ALL, "Build": ALL, **_SALES_LEADS,
              "Mutation": frozenset({"recordLeadStatus"}), "WriteBackResult": ALL},
    # field quality: vehicles and their health, no personal data
    "rnd": {
        "Query": frozenset({"customer", "servingBuild", "fieldAlerts", "fieldAlert", "knowledgeContributions",
                            *_KNOWLEDGE_READS}),
        "Customer": frozenset({"id", "vehicles"}),
        "Vehicle": ALL,
        "VehicleHealth": ALL,
        "ActiveFault": ALL,
        "VehicleFieldAlert": ALL,
        "Build": ALL,
        # field alerts and their evidence: vehicles, work orders, masked texts; no person
        "FieldAlert": ALL,
        "FieldAlertDay": ALL,
        "FieldFailure": ALL,
        "FieldCount": ALL,
        # the knowledge base: R&D writes articles and reads who contributes
        **_KNOWLEDGE_TYPES,
        **_KNOWLEDGE_WRITE,
        "KnowledgeContribution": ALL,
    },
    # aggregates only: no individual customer
    # field alerts too: their statistics, series and counts, not the failures behind them (VINs)
    "executive": {"Query": _KPI_FIELDS | {"servingBuild", "scorecards", "fieldAlerts", "fieldAlert"}, "Build": ALL,
                  **_KPIS, **_SCORECARDS, **_FIELD_ALERT_SUMMARY},
    # contact-centre supervisors: aggregates like an executive, and the QA reviews of their agents' calls
    "supervisor": {"Query": _KPI_FIELDS | {"servingBuild", "scorecards", "qaSamples"}, "Build": ALL, **_KPIS,
                   **_QA_REVIEW, **_SCORECARDS, **_QA_SAMPLES},
    # dispatchers: who is on duty where and carries what, whom to send, which SLAs are slipping
    "dispatcher": {"Query": _DISPATCH_FIELDS | {"servingBuild"}, "Build": ALL, **_DISPATCH},
}
# Types no role reads (none today); every SDL type is in a role's VISIBLE or here (a test checks).
CLOSED_TYPES: frozenset[str] = frozenset()

# Roles that see phone numbers in full (they dial them); the others see 138****8000.
FULL_PHONE_ROLES = frozenset({"contact_engine", "admin"})


def may_read(role: str, type_name: str, field_name: str) -> bool:
    restricted = RESTRICTED.get((type_name, field_name))
    if restricted is not None and role not in restricted:
        return False
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
def _lookup(field_name: str, type_name: str, read_field: str) -> frozenset[str]:
    """Roles that may call Query.<field_name> and read <type_name>.<read_field>."""
    return _readers("Query", field_name) & _readers(type_name, read_field)


LOOKUPS: Mapping[tuple[str, str], frozenset[str]] = {
    ("customer", "id"): _lookup("customer", "Customer", "id"),
    # roles that read numbers in full, and the agent, whose desk looks the caller's number up
    # (the screen-pop). It sees masked numbers, so trying candidates for 138****8000 is held
    # back by its rate limit and miss-burst block (api.rates, docs/api.md "Rate limits")
    ("customer", "phone"): (FULL_PHONE_ROLES | {"agent"}) & _readers("Query", "customer"),
    # a VIN is read by roles that read vehicles
    ("customer", "vin"): _lookup("customer", "Vehicle", "vin"),
    # CRM ids are contact-center records: roles that read the whole profile
    ("customer", "crmId"): _lookup("customer", "Customer", "crmRecordCount"),
    # the text matches names: roles that read names
    ("searchCustomers", "text"): _lookup("searchCustomers", "Customer", "name"),
    ("searchCustomers", "first"): _lookup("searchCustomers", "Customer", "name"),
    ("searchCustomers", "after"): _lookup("searchCustomers", "Customer", "name"),
}
# Arguments that match no personal value (filters, paging, parameters, write-back inputs):
# whoever may call the field may use them. Every argument of a Query or Mutation field is in
# LOOKUPS or here (tests/api/test_hardening.py checks against the SDL), so a new argument
# needs a decision before it ships.
NOT_LOOKUPS: frozenset[tuple[str, str]] = frozenset({
    ("fieldAlerts", "state"), ("fieldAlerts", "since"), ("fieldAlerts", "model"), ("fieldAlerts", "component"),
    ("fieldAlerts", "first"),
    ("fieldAlert", "id"),  # an alert id names a component fault, no person
    ("similarCases", "text"), ("similarCases", "first"),  # matched against masked work-order texts
    ("searchKnowledge", "text"), ("searchKnowledge", "first"),  # articles and masked work-order texts
    ("knowledgeArticle", "id"),  # an article id names an article, no person
    ("knowledgeContributions", "month"), ("knowledgeContributions", "first"),  # authors are employee ids
    ("writeKnowledgeArticle", "idempotencyKey"), ("writeKnowledgeArticle", "input"),
    ("kpis", "from"), ("kpis", "to"), ("kpis", "queue"), ("kpis", "grain"),
    ("staffingPlan", "date"), ("staffingPlan", "queue"), ("staffingPlan", "serviceLevel"),
    ("staffingPlan", "answerWithinSeconds"), ("staffingPlan", "maxOccupancy"), ("staffingPlan", "shrinkage"),
    ("crossSellList", "product"), ("crossSellList", "channel"), ("crossSellList", "minScore"),
    ("crossSellList", "region"), ("crossSellList", "segment"), ("crossSellList", "first"),
    ("crossSellList", "after"),
    ("retentionList", "channel"), ("retentionList", "minRisk"), ("retentionList", "minValueCny"),
    ("retentionList", "first"), ("retentionList", "after"),
    ("serviceNoticeList", "alert"), ("serviceNoticeList", "model"), ("serviceNoticeList", "batch"),
    ("serviceNoticeList", "region"), ("serviceNoticeList", "inServiceOn"), ("serviceNoticeList", "channel"),
    ("serviceNoticeList", "first"), ("serviceNoticeList", "after"),
    ("offerConversions", "campaign"), ("offerConversions", "channel"), ("offerConversions", "product"),
    # the audit log's filters: read by the privacy officer and admins, who read the whole log
    ("auditLog", "key"), ("auditLog", "role"), ("auditLog", "customer"), ("auditLog", "action"),
    ("auditLog", "from"), ("auditLog", "to"), ("auditLog", "first"), ("auditLog", "after"),
    # an erasure names its customer by id and says why: the privacy role's alone
    ("eraseCustomer", "customerId"), ("eraseCustomer", "reason"),
    *((mutation, argument) for mutation in ("recordContact", "openWorkOrder", "advanceWorkOrder", "recordSurvey",
                                            "recordOfferResponse", "setConsent")
      for argument in ("idempotencyKey", "input")),
    ("recordQaReview", "idempotencyKey"), ("recordQaReview", "input"),  # a call id and scores, no person
    # the hand-over list's filters and the status write-back (a lead id, a status): sales' alone
    ("salesLeads", "status"), ("salesLeads", "region"), ("salesLeads", "minScore"), ("salesLeads", "first"),
    ("salesLeads", "after"), ("recordLeadStatus", "idempotencyKey"), ("recordLeadStatus", "input"),
    # an override names two CRM record ids (not identifiers) and says why: stewards' and admins'
    ("setIdentityOverride", "idempotencyKey"), ("setIdentityOverride", "input"), ("identityOverrides", "first"),
    # scorecards and QA samples name agents, teams and sites (employees), no customer
    ("scorecards", "week"), ("scorecards", "scope"), ("scorecards", "scopeId"), ("scorecards", "kpi"),
    ("qaSamples", "week"), ("qaSamples", "agent"), ("qaSamples", "reviewed"), ("qaSamples", "first"),
    # the pushed alerts' delivery log: subscription ids and states, no person
    ("alertDeliveries", "subscriptionId"), ("alertDeliveries", "status"), ("alertDeliveries", "first"),
    # dispatch: region offices, times, work-order ids, components and employee ids, no person
    ("engineersOnDuty", "region"), ("engineersOnDuty", "at"), ("engineersOnDuty", "first"),
    ("engineersOnDuty", "after"),
    *(("suggestAssignee", argument) for argument in ("workOrderId", "region", "component", "category", "at", "first")),
    ("slaAtRisk", "first"), ("slaAtRisk", "after"), ("slaAtRisk", "region"),
})


def lookup_refusal(role: str, field_name: str, arguments: Mapping[str, object]) -> str | None:
    """Why `role` may not call Query.<field_name> with these (non-null) arguments, or None."""
    for argument, value in arguments.items():
        if value is not None and role not in LOOKUPS.get((field_name, argument), frozenset()):
            allowed = ", ".join(r for r in ROLES if r in LOOKUPS.get((field_name, argument), ()))
            return f"role {role} may not use {field_name}({argument}:) (roles: {allowed or 'none'})"
    return None


def field_table(fields: Iterable[tuple[str, str]]) -> str:
    """Which role may call which of `fields` ((type, field) of Query and Mutation, from the
    SDL), as the Markdown table docs/api.md shows (a test keeps the two equal)."""
    lines = ["| field | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for type_name, field_name in fields:
        marks = " | ".join("yes" if may_read(role, type_name, field_name) else "no" for role in ROLES)
        lines.append(f"| `{type_name}.{field_name}` | {marks} |")
    return "\n".join(lines)


def lookup_table() -> str:
    """LOOKUPS as the Markdown table docs/api.md shows (a test keeps the two equal)."""
    lines = ["| argument | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for (field_name, argument), allowed in LOOKUPS.items():
        marks = " | ".join("yes" if role in allowed else "no" for role in ROLES)
        lines.append(f"| `{field_name}({argument}:)` | {marks} |")
    return "\n".join(lines)
