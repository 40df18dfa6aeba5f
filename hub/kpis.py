"""The KPI registry: each ratio KPI's formula, declared once.

A KPI is numerator / denominator over two summable columns of its mart, NULL when the
denominator is 0 (no calls is not a 0% service level). Every roll-up (day, week, queue,
all queues) sums both, then divides. Read by:

- dbt: `transforms/macros/kpis.sql` is written from this registry (`hub kpis
  --write-macro`; a test fails when the two differ) and the marts compute
  `{{ kpi('service_level') }}`;
- the API (api/kpis.py): each KpiRow ratio with its numerator and denominator;
- Superset (superset/dashboards.py): each dataset metric `SUM(n) / SUM(d)`.

Stdlib only: Superset's own virtualenv loads this file by path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kpi:
    name: str  # the mart column and the Superset metric
    numerator: str  # summable columns of the mart (and of its served table)
    denominator: str
    definition: str  # in words, for readers of dashboards and docs
    d3_format: str  # how Superset shows it
    api_field: str | None = None  # the KpiRow field (api/schema/kpis.graphql), if served there
    per_interval: bool = True  # False: a call-level KPI, only per day and longer
    higher_is_better: bool = True  # False: a target is met at or below it (handle time)


# the contact centre's queue KPIs (fct_queue_intervals, fct_queue_days; served queue_intervals, queue_days)
QUEUE_KPIS = (
    Kpi("service_level", "answered_within_service_level_calls", "service_level_base_calls",
        "answered within the service level seconds / (offered - short abandons)", ".1%", "serviceLevel"),
    Kpi("abandon_rate", "counted_abandoned_calls", "service_level_base_calls",
        "(abandoned - short abandons) / (offered - short abandons)", ".1%", "abandonRate"),
    Kpi("average_speed_of_answer_seconds", "answered_wait_seconds", "answered_calls",
        "queue wait of answered calls / answered (seconds)", ".1f", "averageSpeedOfAnswer"),
    Kpi("average_handle_seconds", "handle_seconds", "answered_calls",
        "talk + hold + after-call work / answered (seconds)", ".0f", "averageHandleTime", higher_is_better=False),
    Kpi("occupancy", "handle_seconds", "staffed_seconds",
        "handle seconds / staffed seconds of the agents who answered", ".1%", "occupancy"),
    Kpi("first_contact_resolution", "first_contact_resolved_calls", "fcr_eligible_calls",
        "not followed on the same issue within 7 days / answered calls of identified customers", ".1%",
        "firstContactResolution", per_interval=False),
    Kpi("csat", "satisfied_responses", "survey_responses", "survey answers 4-5 / survey answers", ".1%", "csat",
        per_interval=False),
)
# work orders per region office, category, priority and day (fct_work_order_days; served work_order_days)
WORK_ORDER_KPIS = (
    Kpi("sla_compliance", "resolved_within_sla_work_orders", "resolved_work_orders",
        "resolved within their SLA / resolved", ".1%"),
    Kpi("average_resolve_hours", "resolve_hours", "resolved_work_orders", "hours from creation to resolution / resolved",
        ".1f"),
    Kpi("reopen_rate", "reopened_work_orders", "resolved_work_orders", "reopened / resolved", ".1%"),
    Kpi("callback_satisfaction", "callback_satisfied_responses", "callback_responses",
        "satisfaction callbacks scoring 4-5 / satisfaction callbacks", ".1%"),
)
# dispatch workload per region office now (fct_region_workload; served region_workload)
REGION_KPIS = (
    Kpi("open_work_orders_per_engineer", "open_work_orders", "engineers_on_duty",
        "open work orders / engineers on duty", ".2f"),
)
# scorecards per agent, team and site and week (fct_scorecards; served scorecards, docs/contact_center.md).
# Abandoned calls belong to no agent, so the scorecards' service level is over answered calls;
# AHT and CSAT are the queue KPIs above over the same columns.
SCORECARD_KPIS = (
    Kpi("answered_service_level", "answered_within_service_level_calls", "answered_calls",
        "answered within the service level seconds / answered", ".1%"),
    Kpi("first_contact_resolution_closed", "first_contact_resolved_closed_calls", "fcr_closed_calls",
        "not followed on the same issue within 7 days / answered calls of identified customers whose 7 days "
        "have passed", ".1%", per_interval=False),
    Kpi("qa_score", "qa_points", "qa_possible_points", "QA points scored / points possible on reviewed calls",
        ".1%", per_interval=False),
    Kpi("qa_coverage", "qa_reviewed_sampled_calls", "qa_required_reviews",
        "sampled calls reviewed / reviews the sampling rule requires", ".1%", per_interval=False),
)
SCORECARD = ("answered_service_level", "average_handle_seconds", "first_contact_resolution_closed", "csat",
             "qa_score", "qa_coverage")
# operations measures (docs/contact_center.md "Operations measures")
OPERATIONS_KPIS = (
    Kpi("arrivals_per_day", "offered_calls", "observed_days",
        "calls offered in the half hour / days of that weekday observed", ".1f"),
    Kpi("ivr_containment", "ivr_contained_calls", "ivr_followable_calls",
        "calls of identified customers that ended in the IVR without calling again within 24 h / "
        "calls of identified customers whose 24 h have passed", ".1%", per_interval=False),
    Kpi("outbound_connect_rate", "outbound_connects", "outbound_attempts", "outbound calls answered / outbound "
        "calls made", ".1%"),
    # the ACD export links no callback to its request (the dialled number is not normalised) and
    # dials no campaigns: every outbound call is a callback, counted on the day it is made
    Kpi("callback_completion", "outbound_connects", "callback_requests",
        "outbound calls answered / callers who asked for a callback, per queue and day", ".1%", per_interval=False),
    Kpi("tier1_resolution", "tier1_resolved_calls", "fcr_closed_calls",
        "resolved at first contact without a work order / answered calls of identified customers whose 7 days "
        "have passed", ".1%", per_interval=False),
)
# offer attribution by campaign, channel and product (fct_offer_conversions; served
# offer_attribution, docs/marketing.md "Attribution")
MARKETING_KPIS = (
    Kpi("conversion_rate", "conversion_count", "offer_count",
        "offers followed by a purchase of the offered product within the attribution window (last touch) / "
        "offers made", ".1%", per_interval=False),
)
KPIS: dict[str, Kpi] = {
    k.name: k for k in (*QUEUE_KPIS, *WORK_ORDER_KPIS, *REGION_KPIS, *SCORECARD_KPIS, *OPERATIONS_KPIS,
                        *MARKETING_KPIS)
}

MACRO_PATH = Path(__file__).resolve().parent.parent / "transforms" / "macros" / "kpis.sql"


def ratio(kpi: Kpi, numerator: float | int | None, denominator: float | int | None) -> float | None:
    """The KPI's value from its (summed) numerator and denominator; None when there is no base."""
    numerator, denominator = float(numerator or 0), float(denominator or 0)
    return numerator / denominator if denominator else None


def macro_text() -> str:
    """transforms/macros/kpis.sql: the dbt macro `kpi(name, relation)` over this registry."""
    entries = ",\n".join(f"        '{k.name}': ['{k.numerator}', '{k.denominator}']" for k in KPIS.values())
    parts = ",\n".join(f"        '{k.name}': ['{k.numerator}', '{k.denominator}', {str(k.higher_is_better).lower()}]"
                        for k in KPIS.values())
    return (
        "{#- Written from hub/kpis.py (the KPI registry) by `hub kpis --write-macro`; do not edit.\n"
        "    kpi(name, relation): the KPI's ratio over its numerator and denominator columns,\n"
        "    optionally of one relation (CTE) of the model. -#}\n"
        "{% macro kpi(name, relation=none) -%}\n"
        "    {%- set registry = {\n"
        f"{entries}\n"
        "    } -%}\n"
        "    {%- if name not in registry -%}\n"
        "        {{ exceptions.raise_compiler_error('kpi ' ~ name ~ ' is not in hub/kpis.py; known: '"
        " ~ registry.keys() | join(', ')) }}\n"
        "    {%- endif -%}\n"
        "    {%- set prefix = relation ~ '.' if relation else '' -%}\n"
        "    {{ ratio(prefix ~ registry[name][0], prefix ~ registry[name][1]) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- kpi_parts(name): [numerator, denominator, higher_is_better] of a KPI. -#}\n"
        "{% macro kpi_parts(name) -%}\n"
        "    {%- set registry = {\n"
        f"{parts}\n"
        "    } -%}\n"
        "    {%- if name not in registry -%}\n"
        "        {{ exceptions.raise_compiler_error('kpi ' ~ name ~ ' is not in hub/kpis.py') }}\n"
        "    {%- endif -%}\n"
        "    {{ return(registry[name]) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- scorecard_kpis(): the KPIs of a scorecard, in order. -#}\n"
        "{% macro scorecard_kpis() -%}\n"
        f"    {{{{ return([{', '.join(repr(name) for name in SCORECARD)}]) }}}}\n"
        "{%- endmacro %}\n"
    )


def write_macro(path: Path = MACRO_PATH) -> Path:
    path.write_text(macro_text(), encoding="utf-8")
    return path
