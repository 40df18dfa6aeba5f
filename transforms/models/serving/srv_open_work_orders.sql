-- Open work orders of identified customers, each with its current stage and its SLA state
-- as of the build: breached past the due time, at_risk once serving_sla_at_risk_share of
-- the SLA time has passed, else on_track; no state without an SLA.
with as_of as (
    select as_of from {{ ref('serving_build') }}
),

current_stages as (
    select
        work_order_id, work_order_stage, stage_entered_at,
        row_number() over (partition by work_order_id order by stage_entered_at desc nulls last) as recency
    from {{ ref('fct_work_order_stages') }}
    where is_current_stage
),

served as (
    select
        orders.work_order_id,
        orders.customer_id,
        orders.vin,
        orders.work_order_category as category,
        orders.work_order_priority as priority,
        orders.work_order_status as status,
        current_stages.work_order_stage as stage,
        current_stages.stage_entered_at,
        orders.component,
        orders.fault_code,
        orders.created_at,
        orders.sla_due_at,
        case
            when orders.sla_due_at is null then null
            when as_of.as_of > orders.sla_due_at then 'breached'
            when as_of.as_of > orders.created_at
                + (orders.sla_due_at - orders.created_at) * {{ var('serving_sla_at_risk_share') }} then 'at_risk'
            else 'on_track'
        end as sla_state
    from {{ ref('fct_work_orders') }} as orders
    cross join as_of
    left join current_stages
        on current_stages.work_order_id = orders.work_order_id and current_stages.recency = 1
    where orders.is_open and orders.customer_id is not null and orders.customer_id <> 'UNKNOWN'
)

{{ select_served() }}
