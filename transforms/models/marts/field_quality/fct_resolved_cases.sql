-- One row per resolved repair or rescue work order with a fault description: the past
-- cases an agent's new fault is compared with (similar cases). The resolution is the one
-- recorded at the order's latest `resolved` stage. Long digit runs are masked in both texts.
with

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

transitions as (
    select * from {{ ref('stg_ticketing__transitions') }}
),

resolutions as (
    select work_order_id, resolution, stage_at as resolved_at
    from (
        select
            work_order_id,
            resolution,
            stage_at,
            row_number() over (partition by work_order_id order by stage_at desc, transition_seq desc) as resolved_rank
        from transitions
        where work_order_stage = 'resolved' and resolution is not null
    ) as ranked
    where resolved_rank = 1
),

final as (
    select
        -- ids
        work_orders.work_order_id,
        work_orders.vin,
        -- attributes
        work_orders.work_order_category,
        work_orders.component,
        work_orders.fault_code,
        {{ mask_digit_runs('work_orders.fault_description') }} as fault_description,
        {{ mask_digit_runs('resolutions.resolution') }} as resolution,
        -- dates
        work_orders.created_date,
        {{ local_date('resolutions.resolved_at') }} as resolved_date,
        -- timestamps
        work_orders.created_at,
        resolutions.resolved_at
    from work_orders
    inner join resolutions on resolutions.work_order_id = work_orders.work_order_id
    where work_orders.work_order_category in ('repair', 'rescue')
        and work_orders.fault_description is not null
)

select * from final
