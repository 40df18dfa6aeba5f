{{ config(tags=["scored"]) }}
-- One row per field alert with what R&D reads first: the cell, its state and severity, the
-- statistics of its latest signal, and how far it reaches (vehicles, batches, regions).
with

alerts as (
    select * from {{ source('models', 'field_alerts') }}
),

alert_failures as (
    select * from {{ ref('fct_field_alert_failures') }}
),

reach as (
    select
        alert_id,
        count(distinct vin) as affected_vehicle_count,
        count(distinct build_batch) as affected_batch_count,
        count(distinct region_office) as affected_region_count,
        count(distinct work_order_id) as work_order_count,
        count(distinct call_id) as call_count
    from alert_failures
    group by alert_id
),

final as (
    select
        -- ids
        alerts.alert_id,
        -- attributes
        alerts.alert_level,
        alerts.model_code,
        alerts.component,
        alerts.build_batch,
        alerts.alert_state,
        alerts.severity,
        alerts.window_days,
        -- measures
        alerts.observed as observed_failures,
        alerts.expected as expected_failures,
        alerts.rate_ratio,
        alerts.peak_rate_ratio,
        alerts.p_value,
        alerts.q_value,
        alerts.failures_since_opened,
        coalesce(reach.affected_vehicle_count, 0) as affected_vehicle_count,
        coalesce(reach.affected_batch_count, 0) as affected_batch_count,
        coalesce(reach.affected_region_count, 0) as affected_region_count,
        coalesce(reach.work_order_count, 0) as work_order_count,
        coalesce(reach.call_count, 0) as call_count,
        -- dates
        alerts.opened_date,
        alerts.last_signal_date,
        alerts.closed_date,
        alerts.as_of_date
    from alerts
    left join reach on reach.alert_id = alerts.alert_id
)

select * from final
