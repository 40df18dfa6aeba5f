"""Serving queries of the field-quality tables (alerts, their evidence, weekly rates).

Columns are taken as the marts define them; nothing here names a customer.
"""

from __future__ import annotations

FIELD_QUALITY_QUERIES: dict[str, str] = {
    "field_alerts": """
        select alert_id, alert_level, model_code, component, build_batch, alert_state, severity,
            cast(window_days as integer) as window_days, observed_failures, expected_failures, rate_ratio,
            peak_rate_ratio, p_value, q_value, cast(failures_since_opened as integer) as failures_since_opened,
            cast(affected_vehicle_count as integer) as affected_vehicle_count,
            cast(affected_batch_count as integer) as affected_batch_count,
            cast(affected_region_count as integer) as affected_region_count,
            cast(work_order_count as integer) as work_order_count, cast(call_count as integer) as call_count,
            opened_date, last_signal_date, closed_date, as_of_date
        from {m}.fct_field_alerts
    """,
    "field_alert_days": """
        select alert_id, activity_date, alert_state, is_signal, observed_failures, expected_failures,
            vehicle_days, rate_per_1000_vehicle_days, baseline_per_1000_vehicle_days, q_value
        from {m}.fct_field_alert_days
    """,
    "field_alert_failures": """
        select alert_id, failure_id, vin, work_order_id, call_id, build_batch, region_office, route_type,
            fault_code, work_order_category, fault_description, has_telematics, failure_date
        from {m}.fct_field_alert_failures
    """,
    "field_failure_rates": """
        select model_code, component, region_office, week_start,
            cast(vehicles_in_service as integer) as vehicles_in_service,
            cast(vehicle_days as integer) as vehicle_days, km_driven, cast(failure_count as integer) as failure_count,
            failures_per_1000_vehicle_days
        from {m}.fct_field_failure_rates_weekly
    """,
}

FIELD_QUALITY_QUERIES.update({
    "similar_cases": """
        select work_order_id, work_order_category, component, fault_code, fault_description, resolution, resolved_date
        from {m}.fct_resolved_cases
        where work_order_id in (select work_order_id from {m}.fct_similar_case_terms)
    """,
    "similar_case_terms": "select term, work_order_id, weight from {m}.fct_similar_case_terms",
    "similar_case_idf": "select term, min(idf) as idf from {m}.fct_similar_case_terms group by term",
})
