"""The serving schema: what the API and the report readers need, and nothing more.

No id-card hashes, no birth dates, no addresses beyond the city: the serving store is read
by many consumers and copies only what one of them shows. Lifecycle fields are nullable:
the models that fill them publish on their own schedule.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
# On SQLite every table is WITHOUT ROWID: stored as one B-tree in primary-key order, so a
# lookup reads the row where it finds the key and the publish writes one tree, not two.
CLUSTERED = {"sqlite_with_rowid": False}

build = sa.Table(
    "_build",
    metadata,
    sa.Column("build_id", sa.String(64), primary_key=True),
    sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    # the warehouse's latest event time: SLA states are as of this moment
    sa.Column("as_of", sa.DateTime, nullable=True),
    sa.Column("row_counts", sa.Text, nullable=False),  # JSON {source relation: rows}
    # the highest ops write-back seq in this build: the API merges live events above it
    sa.Column("ops_seq", sa.BigInteger, nullable=True),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("primary_crm_customer_id", sa.String(64)),
    sa.Column("customer_type", sa.String(16)),
    sa.Column("customer_name", sa.String(200)),
    sa.Column("gender", sa.String(8)),
    sa.Column("city", sa.String(100)),
    sa.Column("segment", sa.String(32)),
    sa.Column("crm_record_count", sa.Integer),
    sa.Column("primary_phone_masked", sa.String(32)),
    sa.Column("vehicle_count", sa.Integer),
    sa.Column("call_count", sa.Integer),
    sa.Column("recent_call_count", sa.Integer),
    sa.Column("open_work_order_count", sa.Integer),
    sa.Column("purchase_count", sa.Integer),
    sa.Column("purchases_amount_cny", sa.Float),
    sa.Column("has_marketing_consent", sa.Boolean),
    sa.Column("first_registered_at", sa.DateTime),
    sa.Column("last_call_at", sa.DateTime),
    sa.Column("lifecycle_stage", sa.String(16)),
    sa.Column("churn_risk", sa.Float),
    sa.Column("customer_value_cny", sa.Float),
    sa.Column("next_best_offer", sa.String(64)),
    sa.Column("expected_purchases_12m", sa.Float),
    # lower-cased name and id for searchCustomers
    sa.Column("search_text", sa.String(300), nullable=False),
    **CLUSTERED,
)

customer_phones = sa.Table(
    "customer_phones",
    metadata,
    # clustered by customer: a profile's phones sit together
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("customer_phone_id", sa.String(64), primary_key=True),
    sa.Column("phone_e164", sa.String(32), nullable=False),
    sa.Column("phone_masked", sa.String(32), nullable=False),
    sa.Column("phone_kind", sa.String(16)),
    sa.Column("phone_label", sa.String(32)),
    sa.Column("is_primary", sa.Boolean),
    # only caller ids identify a caller: switchboards and 400 numbers are listed, not looked up
    sa.Column("is_caller_id", sa.Boolean, nullable=False),
    **CLUSTERED,
)

caller_ids = sa.Table(
    "caller_ids",
    metadata,
    sa.Column("phone_e164", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(64), nullable=False),
    **CLUSTERED,
)

crm_customers = sa.Table(
    "crm_customers",
    metadata,
    sa.Column("crm_customer_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), nullable=False),
    **CLUSTERED,
)

aliases = sa.Table(
    "customer_aliases",
    metadata,
    sa.Column("alias_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), nullable=False),
    **CLUSTERED,
)

vehicles = sa.Table(
    "vehicles",
    metadata,
    sa.Column("vin", sa.String(17), primary_key=True),
    sa.Column("customer_id", sa.String(64), index=True),
    sa.Column("model_code", sa.String(32)),
    sa.Column("model_name", sa.String(100)),
    sa.Column("build_batch", sa.String(32)),
    sa.Column("engine_type", sa.String(32)),
    sa.Column("owned_from", sa.Date),
    sa.Column("active_fault_count", sa.Integer),
    sa.Column("driving_score", sa.Float),
    sa.Column("km_last_30_days", sa.Float),
    sa.Column("last_active_date", sa.Date),
    # against peers of the same model and route type (fct_driving_behaviour)
    sa.Column("driving_peer_percentile", sa.Float),
    sa.Column("harsh_braking_vs_peers", sa.Float),
    sa.Column("over_speed_vs_peers", sa.Float),
    sa.Column("fuel_vs_peers", sa.Float),
    **CLUSTERED,
)

recent_calls = sa.Table(
    "recent_calls",
    metadata,
    # clustered by customer and time: a screen-pop's recent calls are one range
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("call_started_at", sa.DateTime, primary_key=True),
    sa.Column("call_id", sa.String(64), primary_key=True),
    sa.Column("call_direction", sa.String(16)),
    sa.Column("queue_name", sa.String(64)),
    sa.Column("disposition", sa.String(32)),
    sa.Column("is_answered", sa.Boolean),
    sa.Column("queue_wait_seconds", sa.Integer),
    sa.Column("handle_seconds", sa.Integer),
    sa.Column("survey_score", sa.Integer),
    **CLUSTERED,
)

open_work_orders = sa.Table(
    "open_work_orders",
    metadata,
    sa.Column("work_order_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), nullable=False, index=True),
    sa.Column("vin", sa.String(17)),
    sa.Column("category", sa.String(32)),
    sa.Column("priority", sa.String(16)),
    sa.Column("status", sa.String(32)),
    sa.Column("stage", sa.String(32)),
    sa.Column("stage_entered_at", sa.DateTime),
    sa.Column("component", sa.String(64)),
    sa.Column("fault_code", sa.String(32)),
    sa.Column("created_at", sa.DateTime),
    sa.Column("sla_due_at", sa.DateTime),
    sa.Column("sla_state", sa.String(16)),
    **CLUSTERED,
)

customer_churn_reasons = sa.Table(
    "customer_churn_reasons",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("reason_rank", sa.Integer, primary_key=True),
    sa.Column("reason", sa.String(100), nullable=False),
    **CLUSTERED,
)

# marketers' lists: clustered by product and customer, read in list-score order (docs/marketing.md)
cross_sell = sa.Table(
    "cross_sell",
    metadata,
    sa.Column("product", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("propensity", sa.Float, nullable=False),
    sa.Column("expected_value_cny", sa.Float),
    sa.Column("list_score", sa.Float, nullable=False),
    sa.Column("is_held", sa.Boolean, nullable=False),
    sa.Column("region", sa.String(50)),  # the customer's province
    sa.Column("segment", sa.String(32)),
    sa.Column("lifecycle_stage", sa.String(16)),
    sa.Column("primary_phone_masked", sa.String(32)),
    sa.Index("ix_cross_sell_rank", "product", "list_score", "customer_id"),
    **CLUSTERED,
)

# The contact engine's write-backs as published (docs/writeback.md); the API merges the
# events recorded since on top of these.
customer_contacts = sa.Table(
    "customer_contacts",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("contact_started_at", sa.DateTime, primary_key=True),
    sa.Column("contact_id", sa.String(64), primary_key=True),
    sa.Column("contact_channel", sa.String(16)),
    sa.Column("contact_direction", sa.String(16)),
    sa.Column("disposition", sa.String(32)),
    sa.Column("queue_name", sa.String(64)),
    sa.Column("agent_id", sa.String(32)),
    sa.Column("contact_ended_at", sa.DateTime),
    # agents read the last contact's notes at the screen-pop; never logged
    sa.Column("notes", sa.Text),
    **CLUSTERED,
)

customer_consents = sa.Table(
    "customer_consents",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("consent_channel", sa.String(16), primary_key=True),
    sa.Column("consent_purpose", sa.String(32), primary_key=True),
    sa.Column("consent_status", sa.String(16), nullable=False),
    sa.Column("is_granted", sa.Boolean, nullable=False),
    sa.Column("consent_source", sa.String(32)),
    sa.Column("recorded_at", sa.DateTime),
    **CLUSTERED,
)

customer_offer_responses = sa.Table(
    "customer_offer_responses",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("responded_at", sa.DateTime, primary_key=True),
    sa.Column("offer_response_id", sa.String(64), primary_key=True),
    sa.Column("product", sa.String(64), nullable=False),
    sa.Column("offer_response", sa.String(16), nullable=False),
    sa.Column("response_channel", sa.String(16)),
    sa.Column("offer_id", sa.String(64)),
    **CLUSTERED,
)

# Field quality (docs/field_quality.md): alerts and their evidence for R&D, rates for the
# dashboard. Vehicles and work orders only: no customer, name or phone.
field_alerts = sa.Table(
    "field_alerts",
    metadata,
    sa.Column("alert_id", sa.String(96), primary_key=True),
    sa.Column("alert_level", sa.String(8), nullable=False),
    sa.Column("model_code", sa.String(32), nullable=False),
    sa.Column("component", sa.String(32), nullable=False),
    sa.Column("build_batch", sa.String(32)),
    sa.Column("alert_state", sa.String(8), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("window_days", sa.Integer),
    sa.Column("observed_failures", sa.Float),
    sa.Column("expected_failures", sa.Float),
    sa.Column("rate_ratio", sa.Float),
    sa.Column("peak_rate_ratio", sa.Float),
    sa.Column("p_value", sa.Float),
    sa.Column("q_value", sa.Float),
    sa.Column("failures_since_opened", sa.Integer),
    sa.Column("affected_vehicle_count", sa.Integer),
    sa.Column("affected_batch_count", sa.Integer),
    sa.Column("affected_region_count", sa.Integer),
    sa.Column("work_order_count", sa.Integer),
    sa.Column("call_count", sa.Integer),
    sa.Column("opened_date", sa.Date, nullable=False),
    sa.Column("last_signal_date", sa.Date),
    sa.Column("closed_date", sa.Date),
    sa.Column("as_of_date", sa.Date),
    **CLUSTERED,
)

field_alert_days = sa.Table(
    "field_alert_days",
    metadata,
    sa.Column("alert_id", sa.String(96), primary_key=True),
    sa.Column("activity_date", sa.Date, primary_key=True),
    sa.Column("alert_state", sa.String(8)),
    sa.Column("is_signal", sa.Boolean),
    sa.Column("observed_failures", sa.Float),
    sa.Column("expected_failures", sa.Float),
    sa.Column("vehicle_days", sa.Float),
    sa.Column("rate_per_1000_vehicle_days", sa.Float),
    sa.Column("baseline_per_1000_vehicle_days", sa.Float),
    sa.Column("q_value", sa.Float),
    **CLUSTERED,
)

field_alert_failures = sa.Table(
    "field_alert_failures",
    metadata,
    sa.Column("alert_id", sa.String(96), primary_key=True),
    sa.Column("failure_id", sa.String(96), primary_key=True),
    sa.Column("vin", sa.String(17), nullable=False),
    sa.Column("work_order_id", sa.String(64)),
    sa.Column("call_id", sa.String(64)),
    sa.Column("build_batch", sa.String(32)),
    sa.Column("region_office", sa.String(64)),
    sa.Column("route_type", sa.String(16)),
    sa.Column("fault_code", sa.String(32)),
    sa.Column("work_order_category", sa.String(32)),
    # free text with long digit runs masked in the mart (fct_field_alert_failures)
    sa.Column("fault_description", sa.String(500)),
    sa.Column("has_telematics", sa.Boolean),
    sa.Column("failure_date", sa.Date, nullable=False),
    **CLUSTERED,
)

field_failure_rates = sa.Table(
    "field_failure_rates",
    metadata,
    sa.Column("model_code", sa.String(32), primary_key=True),
    sa.Column("component", sa.String(32), primary_key=True),
    sa.Column("region_office", sa.String(64), primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("vehicles_in_service", sa.Integer),
    sa.Column("vehicle_days", sa.Integer),
    sa.Column("km_driven", sa.Float),
    sa.Column("failure_count", sa.Integer),
    sa.Column("failures_per_1000_vehicle_days", sa.Float),
    **CLUSTERED,
)

# Similar past cases (api.similar_cases): resolved work orders, no customer.
similar_cases = sa.Table(
    "similar_cases",
    metadata,
    sa.Column("work_order_id", sa.String(64), primary_key=True),
    sa.Column("work_order_category", sa.String(32)),
    sa.Column("component", sa.String(32)),
    sa.Column("fault_code", sa.String(32)),
    sa.Column("fault_description", sa.String(500)),
    sa.Column("resolution", sa.String(500)),
    sa.Column("resolved_date", sa.Date),
    **CLUSTERED,
)

similar_case_terms = sa.Table(
    "similar_case_terms",
    metadata,
    # clustered by term: a query reads the posting lists of its n-grams
    sa.Column("term", sa.String(16), primary_key=True),
    sa.Column("work_order_id", sa.String(64), primary_key=True),
    sa.Column("weight", sa.Float, nullable=False),
    **CLUSTERED,
)

similar_case_idf = sa.Table(
    "similar_case_idf",
    metadata,
    sa.Column("term", sa.String(16), primary_key=True),
    sa.Column("idf", sa.Float, nullable=False),
    **CLUSTERED,
)

# Contact-centre KPIs, forecast and staffing (docs/contact_center.md): aggregates and work
# orders without any customer: read by executives (GraphQL kpis, staffingPlan) and Superset.
# Every ratio travels with its numerator and denominator, so any roll-up sums both.
def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger) for name in names]


def _ratios(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Float) for name in names]


_CALL_MEASURES = (
    "offered_calls", "answered_calls", "abandoned_calls", "short_abandoned_calls", "transferred_calls",
    "answered_within_service_level_calls", "service_level_base_calls", "counted_abandoned_calls",
    "answered_wait_seconds", "handle_seconds", "staffed_seconds",
)
_CALL_RATIOS = ("service_level", "abandon_rate", "average_speed_of_answer_seconds", "average_handle_seconds", "occupancy")

queue_intervals = sa.Table(
    "queue_intervals",
    metadata,
    sa.Column("queue_name", sa.String(64), primary_key=True),
    sa.Column("interval_start_at", sa.DateTime, primary_key=True),
    sa.Column("interval_date", sa.Date, nullable=False, index=True),
    sa.Column("half_hour_of_day", sa.Integer, nullable=False),
    sa.Column("answering_agents", sa.BigInteger),
    *_counts(*_CALL_MEASURES),
    *_ratios(*_CALL_RATIOS),
    **CLUSTERED,
)

queue_days = sa.Table(
    "queue_days",
    metadata,
    sa.Column("call_date", sa.Date, primary_key=True),
    sa.Column("queue_name", sa.String(64), primary_key=True),
    *_counts(*_CALL_MEASURES, "first_contact_resolved_calls", "fcr_eligible_calls", "satisfied_responses",
             "survey_responses"),
    *_ratios(*_CALL_RATIOS, "first_contact_resolution", "csat"),
    **CLUSTERED,
)

agent_days = sa.Table(
    "agent_days",
    metadata,
    sa.Column("call_date", sa.Date, primary_key=True),
    sa.Column("agent_id", sa.String(32), primary_key=True),
    *_counts("handled_calls", "handle_seconds", "first_contact_resolved_calls", "fcr_eligible_calls",
             "satisfied_responses", "survey_responses"),
    *_ratios("average_handle_seconds", "first_contact_resolution", "csat"),
    **CLUSTERED,
)

work_order_sla = sa.Table(
    "work_order_sla",
    metadata,
    sa.Column("work_order_id", sa.String(64), primary_key=True),
    sa.Column("work_order_category", sa.String(32)),
    sa.Column("work_order_priority", sa.String(16)),
    sa.Column("region_office", sa.String(64)),
    sa.Column("work_order_status", sa.String(32)),
    sa.Column("sla_hours", sa.Integer),
    *[sa.Column(name, sa.Boolean) for name in ("is_open", "is_resolved", "is_sla_met", "is_sla_breached",
                                               "is_reopened", "has_callback", "is_callback_satisfied")],
    sa.Column("callback_score", sa.Integer),
    *_ratios("created_hours", "dispatched_hours", "accepted_hours", "on_site_hours", "resolved_to_closed_hours",
             "hours_to_resolve", "sla_share_used"),
    sa.Column("created_date", sa.Date, index=True),
    sa.Column("resolved_date", sa.Date),
    sa.Column("created_at", sa.DateTime),
    sa.Column("sla_due_at", sa.DateTime),
    sa.Column("first_resolved_at", sa.DateTime),
    **CLUSTERED,
)

work_order_days = sa.Table(
    "work_order_days",
    metadata,
    sa.Column("activity_date", sa.Date, primary_key=True),
    sa.Column("region_office", sa.String(64), primary_key=True),
    sa.Column("work_order_category", sa.String(32), primary_key=True),
    sa.Column("work_order_priority", sa.String(16), primary_key=True),
    *_counts("created_work_orders", "resolved_work_orders", "backlog_work_orders", "resolved_within_sla_work_orders",
             "reopened_work_orders", "callback_satisfied_responses", "callback_responses"),
    *_ratios("resolve_hours", "sla_compliance", "average_resolve_hours", "reopen_rate", "callback_satisfaction"),
    **CLUSTERED,
)

region_workload = sa.Table(
    "region_workload",
    metadata,
    sa.Column("region_office", sa.String(64), primary_key=True),
    *_counts("engineers_on_duty", "open_work_orders", "unassigned_work_orders", "overdue_work_orders", "open_created",
             "open_dispatched", "open_accepted", "open_on_site", "open_reopened"),
    *_ratios("open_work_orders_per_engineer"),
    sa.Column("as_of_at", sa.DateTime),
    **CLUSTERED,
)

interval_forecasts = sa.Table(
    "interval_forecasts",
    metadata,
    sa.Column("queue_name", sa.String(64), primary_key=True),
    sa.Column("interval_start_at", sa.DateTime, primary_key=True),
    sa.Column("interval_date", sa.Date, nullable=False, index=True),
    sa.Column("half_hour_of_day", sa.Integer, nullable=False),
    sa.Column("forecast_kind", sa.String(16), nullable=False),
    sa.Column("model_name", sa.String(64)),
    sa.Column("trained_through", sa.DateTime),
    *_ratios("forecast_calls", "seasonal_naive_calls", "aht_seconds", "expected_service_level", "expected_occupancy"),
    *_counts("actual_calls", "agents_required", "agents_scheduled", "answering_agents", "staffing_gap_agents"),
    **CLUSTERED,
)

forecast_accuracy = sa.Table(
    "forecast_accuracy",
    metadata,
    sa.Column("trained_through", sa.DateTime, primary_key=True),
    sa.Column("model_name", sa.String(64), primary_key=True),
    sa.Column("evaluated_at", sa.DateTime),
    sa.Column("held_out_first_date", sa.Date),
    sa.Column("held_out_last_date", sa.Date),
    *_counts("held_out_weeks", "held_out_intervals", "held_out_calls"),
    *_ratios("model_wape", "model_mape", "seasonal_naive_wape", "seasonal_naive_mape", "wape_improvement"),
    **CLUSTERED,
)

SERVING_TABLES = [t for t in metadata.sorted_tables if t.name != "_build"]
