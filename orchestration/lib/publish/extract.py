"""Selects from the warehouse marts, one query per serving table, streamed in key order.

The queries only reshape and trim: the rules behind each column (identity, SLA targets,
what a caller id is) are the marts'. Health and SLA state are taken "as of" the latest
event in the warehouse, so republishing old data gives the same answers.
"""

from __future__ import annotations

import duckdb

from orchestration.lib.publish.field_quality import FIELD_QUALITY_QUERIES

RECENT_CALLS_PER_CUSTOMER = 20
HEALTH_WINDOW_DAYS = 30
# driving score: 100 minus this many points per harsh/over-speed/overload event per 100 km
SCORE_POINTS_PER_EVENT_PER_100KM = 5.0
# an open work order is "at_risk" once this share of its SLA time has passed
SLA_AT_RISK_SHARE = 0.75

AS_OF = """
select greatest(
    (select max(call_started_at) from {m}.fct_calls),
    (select max(updated_at) from {m}.fct_work_orders)
)
"""

QUERIES: dict[str, str] = {
    "customers": """
        select p.customer_id, p.primary_crm_customer_id, p.customer_type, p.customer_name, p.gender,
            p.city, p.segment, p.crm_record_count, p.primary_phone_masked, p.vehicle_count, p.call_count,
            p.recent_call_count, p.open_work_order_count, p.purchase_count,
            cast(p.purchases_amount_cny as double) as purchases_amount_cny, p.has_marketing_consent,
            p.first_registered_at, p.last_call_at,
            s.lifecycle_stage, cast(s.churn_risk as double) as churn_risk,
            cast(s.expected_value_12m_cny as double) as customer_value_cny, s.next_best_offer,
            cast(s.expected_purchases_12m as double) as expected_purchases_12m,
            lower(coalesce(p.customer_name, '') || ' ' || p.customer_id) as search_text
        from {m}.customer_profile p
        left join {m}.fct_customer_scores s on s.customer_id = p.customer_id
    """,
    "customer_phones": """
        select customer_phone_id, customer_id, phone_e164, phone_masked, phone_kind, phone_label,
            is_primary, coalesce(is_caller_id, false) as is_caller_id
        from {m}.dim_customer_phones
        where phone_e164 is not null
    """,
    "caller_ids": """
        select phone_e164, min(customer_id) as customer_id
        from {m}.dim_customer_phones
        where is_caller_id and phone_e164 is not null
        group by phone_e164
        having count(distinct customer_id) = 1
    """,
    "crm_customers": """
        select crm_customer_id, customer_id
        from {i}.int_crm_customers_resolved
        where customer_id is not null
    """,
    "customer_aliases": "select alias_id, customer_id from {m}.customer_aliases",
    "vehicles": """
        with days as (
            select vin, sum(km_driven) as km, sum(harsh_braking_count + over_speed_count + overload_count) as events,
                max(activity_date) as last_active_date
            from {m}.fct_telematics_daily
            where activity_date > cast(? as date) - interval {window} day
            group by vin
        ),
        faults as (
            select vin, greatest(sum(faults_raised_count) - sum(faults_cleared_count), 0) as active_fault_count
            from {m}.fct_telematics_daily
            group by vin
        )
        select v.vin, v.current_customer_id as customer_id, v.model_code, v.model_name, v.build_batch,
            v.engine_type, v.current_owned_from as owned_from,
            cast(f.active_fault_count as integer) as active_fault_count,
            case when d.km > 0
                then round(greatest(0, 100 - {points} * d.events * 100 / d.km), 1) end as driving_score,
            cast(d.km as double) as km_last_30_days, d.last_active_date,
            b.driving_peer_percentile, b.harsh_braking_vs_peers, b.over_speed_vs_peers, b.fuel_vs_peers
        from {m}.dim_vehicles v
        left join days d on d.vin = v.vin
        left join faults f on f.vin = v.vin
        left join {m}.fct_driving_behaviour b on b.vin = v.vin
        where not v.is_unknown_member
    """,
    "recent_calls": """
        select call_id, customer_id, call_started_at, call_direction, final_queue_name as queue_name,
            final_disposition as disposition, is_answered, cast(queue_wait_seconds as integer) as queue_wait_seconds,
            cast(handle_seconds as integer) as handle_seconds, cast(survey_score as integer) as survey_score
        from {m}.fct_calls
        where customer_id is not null and customer_id <> 'UNKNOWN'
        qualify row_number() over (partition by customer_id order by call_started_at desc, call_id) <= {recent}
    """,
    "open_work_orders": """
        select w.work_order_id, w.customer_id, w.vin, w.work_order_category as category,
            w.work_order_priority as priority, w.work_order_status as status,
            s.work_order_stage as stage, s.stage_entered_at, w.component, w.fault_code, w.created_at, w.sla_due_at,
            case
                when w.sla_due_at is null then null
                when cast(? as timestamp) > w.sla_due_at then 'breached'
                when cast(? as timestamp) > w.created_at + (w.sla_due_at - w.created_at) * {at_risk} then 'at_risk'
                else 'on_track'
            end as sla_state
        from {m}.fct_work_orders w
        left join {m}.fct_work_order_stages s on s.work_order_id = w.work_order_id and s.is_current_stage
        where w.is_open and w.customer_id is not null and w.customer_id <> 'UNKNOWN'
        qualify row_number() over (partition by w.work_order_id order by s.stage_entered_at desc nulls last) = 1
    """,
    "customer_contacts": """
        select customer_id, contact_started_at, contact_id, contact_channel, contact_direction, disposition,
            queue_name, agent_id, contact_ended_at, notes
        from {m}.fct_contacts
        qualify row_number() over (partition by customer_id, contact_started_at, contact_id order by ops_seq desc) = 1
            and row_number() over (partition by customer_id order by contact_started_at desc, contact_id) <= {recent}
    """,
    "customer_consents": """
        select customer_id, consent_channel, consent_purpose, consent_status, is_granted, consent_source, recorded_at
        from {m}.fct_consents
    """,
    "customer_offer_responses": """
        select customer_id, responded_at, offer_response_id, product, offer_response, response_channel, offer_id
        from {m}.fct_offer_responses
        qualify row_number() over (partition by customer_id order by responded_at desc, offer_response_id) <= {recent}
    """,
    "customer_churn_reasons": """
        select customer_id, reason_rank, reason
        from (
            select customer_id, 1 as reason_rank, churn_reason_1 as reason from {m}.fct_customer_scores
            union all select customer_id, 2, churn_reason_2 from {m}.fct_customer_scores
            union all select customer_id, 3, churn_reason_3 from {m}.fct_customer_scores
        ) as reasons
        where reason is not null
    """,
    "cross_sell": """
        select x.product, x.customer_id, cast(x.propensity as double) as propensity,
            cast(x.expected_value_12m_cny as double) as expected_value_cny, cast(x.list_score as double) as list_score,
            x.is_held, s.region, s.segment, s.lifecycle_stage, s.primary_phone_masked
        from {m}.fct_cross_sell_propensities x
        join {m}.fct_customer_scores s on s.customer_id = x.customer_id
    """,
}

QUERIES.update(FIELD_QUALITY_QUERIES)
# Contact-centre KPIs and forecast: the marts' columns as they are (surrogate ids dropped).
QUERIES.update({
    "queue_intervals": "select * exclude (queue_interval_id) from {m}.fct_queue_intervals",
    "queue_days": "select * exclude (queue_day_id) from {m}.fct_queue_days",
    "agent_days": "select * exclude (agent_day_id) from {m}.fct_agent_days",
    "work_order_sla": "select * exclude (as_of_at) from {m}.fct_work_order_sla",
    "work_order_days": "select * exclude (work_order_day_id) from {m}.fct_work_order_days",
    "region_workload": "select * from {m}.fct_region_workload",
    "interval_forecasts": "select * exclude (queue_interval_id) from {m}.fct_queue_interval_forecasts",
    "forecast_accuracy": "select * exclude (forecast_run_id) from {m}.fct_forecast_accuracy",
})


SOURCES = ["customer_profile", "fct_customer_scores", "fct_cross_sell_propensities", "fct_consents", "dim_customer_phones", "customer_aliases", "dim_vehicles", "fct_calls", "fct_work_orders"]


class Extract:
    """The warehouse side of a publish: one read-only connection, one cursor per serving table."""

    def __init__(self, con: duckdb.DuckDBPyConnection, marts: str = "marts", intermediate: str = "intermediate") -> None:
        self.con, self.marts, self.intermediate = con, marts, intermediate
        self.as_of = con.execute(AS_OF.format(m=marts)).fetchone()[0]
        # the highest ops write-back seq the marts contain (0 when none reached them yet)
        self.ops_seq = con.execute(f"select max(ops_seq) from {marts}.ops_watermark").fetchone()[0] or 0
        self.source_counts = {
            f"{marts}.{s}": con.execute(f"select count(*) from {marts}.{s}").fetchone()[0] for s in SOURCES
        }

    def cursor(
        self, table: str, order_by: list[str], text_formats: dict[str, str] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """The rows of one serving table sorted on order_by (its key: B-tree pages then fill in
        order), with the columns of text_formats formatted by strftime; fetch them in batches."""
        sql = QUERIES[table].format(
            m=self.marts, i=self.intermediate, window=HEALTH_WINDOW_DAYS, points=SCORE_POINTS_PER_EVENT_PER_100KM,
            recent=RECENT_CALLS_PER_CUSTOMER, at_risk=SLA_AT_RISK_SHARE,
        )
        params = [self.as_of] * sql.count("?")
        formatted = ", ".join(f"strftime({column}, '{fmt}') as {column}" for column, fmt in (text_formats or {}).items())
        columns = f"* replace ({formatted})" if formatted else "*"
        return self.con.execute(f"select {columns} from ({sql}) as serving order by {', '.join(order_by)}", params)
