-- Each identified customer's past service: work orders resolved or closed, with the
-- resolution, the engineer who last worked it, the hours spent in each stage, the SLA
-- kept or not, reopens and the callback survey's score. Newest first, paged by the API.
with last_engineers as (
    select
        work_order_id,
        engineer_id,
        row_number() over (partition by work_order_id order by transition_seq desc) as recency
    from {{ ref('fct_work_order_stages') }}
    where engineer_id is not null
),

served as (
    select
        orders.customer_id,
        orders.created_at,
        orders.work_order_id,
        orders.vin,
        orders.work_order_category as category,
        orders.work_order_priority as priority,
        orders.work_order_status as status,
        orders.component,
        orders.fault_code,
        orders.first_resolved_at as resolved_at,
        orders.last_closed_at as closed_at,
        cases.resolution,
        last_engineers.engineer_id,
        orders.sla_hours,
        orders.is_sla_met,
        orders.hours_to_resolve,
        sla.created_hours,
        sla.dispatched_hours,
        sla.accepted_hours,
        sla.on_site_hours,
        orders.reopen_count,
        orders.callback_score
    from {{ ref('fct_work_orders') }} as orders
    left join {{ ref('fct_resolved_cases') }} as cases on cases.work_order_id = orders.work_order_id
    left join last_engineers on last_engineers.work_order_id = orders.work_order_id and last_engineers.recency = 1
    left join {{ ref('fct_work_order_sla') }} as sla on sla.work_order_id = orders.work_order_id
    where not orders.is_open and orders.customer_id is not null and orders.customer_id <> 'UNKNOWN'
)

{{ select_served() }}
