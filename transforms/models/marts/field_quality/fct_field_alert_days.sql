{{ config(tags=["scored"]) }}
-- The rate series behind each field alert, one row per day: failures observed in the
-- window against those expected from the peers' rate, per 1000 vehicle-days.
with

alert_days as (
    select * from {{ source('models', 'field_alert_days') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(["alert_id", "'|'", dbt.safe_cast("activity_date", dbt.type_string())]) }} as alert_day_id,
        alert_id,
        -- attributes
        alert_state,
        is_signal,
        -- measures
        observed as observed_failures,
        expected as expected_failures,
        vehicle_days,
        rate_per_1000_vehicle_days,
        baseline_per_1000_vehicle_days,
        q_value,
        -- dates
        activity_date
    from alert_days
)

select * from final
