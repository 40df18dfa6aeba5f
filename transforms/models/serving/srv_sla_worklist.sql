-- The dispatchers' SLA worklist (Query.slaAtRisk): every running SLA measure of an open
-- work order (a timed stage, the response, the resolution) that is at risk or breached as
-- of the build, across customers, with the minutes left until its due time (negative once
-- breached) and the order's assigned engineer. Most urgent first: fewest minutes left.
with

measures as (
    select * from {{ ref('fct_work_order_stage_sla') }}
),

orders as (
    select * from {{ ref('fct_engineer_open_orders') }}
),

served as (
    select
        measures.stage_sla_id,
        measures.work_order_id,
        measures.sla_measure,
        measures.work_order_category,
        measures.work_order_priority,
        measures.region_office,
        orders.work_order_status,
        orders.engineer_id,
        measures.sla_state,
        measures.target_minutes,
        {{ round_to('measures.elapsed_minutes', 1) }} as elapsed_minutes,
        {{ round_to('measures.target_minutes - measures.elapsed_minutes', 1) }} as minutes_left,
        measures.started_at,
        measures.due_at,
        measures.as_of_at
    from measures
    inner join orders on orders.work_order_id = measures.work_order_id
    where measures.is_running and measures.sla_state in ('at_risk', 'breached')
)

{{ select_served() }}
