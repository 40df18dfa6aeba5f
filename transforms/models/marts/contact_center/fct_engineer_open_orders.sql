-- Each open work order and the engineer it is assigned to: the last engineer named in its
-- stage history (NULL while nobody was dispatched). An engineer's load is the count of
-- their open orders. No customer: dispatchers see orders, not people.
with

orders as (
    select * from {{ ref('fct_work_orders') }}
),

stages as (
    select * from {{ ref('fct_work_order_stages') }}
),

assigned as (
    select work_order_id, {{ last_by('engineer_id', 'transition_seq') }} as engineer_id
    from stages
    where engineer_id is not null
    group by work_order_id
),

final as (
    select
        -- ids
        orders.work_order_id,
        assigned.engineer_id,
        -- attributes
        coalesce(orders.region_office, 'unknown') as region_office,
        orders.work_order_category,
        orders.work_order_priority,
        orders.work_order_status,
        orders.component,
        orders.fault_code,
        -- timestamps
        orders.created_at,
        orders.sla_due_at
    from orders
    left join assigned on assigned.work_order_id = orders.work_order_id
    where orders.is_open
)

select * from final
