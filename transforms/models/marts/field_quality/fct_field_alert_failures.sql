{{ config(tags=["scored"]) }}
-- The failures behind each field alert, with the evidence R&D asks for: where and how it
-- failed, the work order and call that reported it, and the fault as described. Digit runs
-- long enough to be a phone or id number are masked in the free text: R&D reports carry no
-- personal data.
with

alert_failures as (
    select * from {{ source('models', 'field_alert_failures') }}
),

failures as (
    select * from {{ ref('fct_component_failures') }}
),

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(["alert_failures.alert_id", "'|'", "alert_failures.failure_id"]) }} as alert_failure_id,
        alert_failures.alert_id,
        alert_failures.failure_id,
        alert_failures.vin,
        failures.work_order_id,
        work_orders.call_id,
        -- attributes
        failures.model_code,
        failures.build_batch,
        failures.region_office,
        failures.route_type,
        failures.component,
        failures.fault_code,
        failures.has_work_order,
        failures.has_telematics,
        work_orders.work_order_category,
        work_orders.work_order_status,
        {{ mask_digit_runs('work_orders.fault_description') }} as fault_description,
        -- dates
        failures.failure_date
    from alert_failures
    inner join failures on failures.failure_id = alert_failures.failure_id
    left join work_orders on work_orders.work_order_id = failures.work_order_id
)

select * from final
