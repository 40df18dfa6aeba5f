-- One row per stage a work order passed through, with the time spent in it (until the
-- next stage change; the current stage is still open and has no duration).
with

transitions as (
    select * from {{ ref('int_work_order_transitions_combined') }}
),

work_orders as (
    select * from {{ ref('int_work_orders_combined') }}
),

sequenced as (
    select
        transitions.*,
        lead(stage_at) over (partition by work_order_id order by transition_seq) as next_stage_at,
        lead(work_order_stage) over (partition by work_order_id order by transition_seq) as next_stage
    from transitions
),

final as (
    select
        -- ids
        sequenced.transition_id as work_order_stage_id,
        sequenced.work_order_id,
        sequenced.transition_seq,
        sequenced.engineer_id,
        -- attributes
        sequenced.work_order_stage,
        sequenced.next_stage,
        work_orders.work_order_category,
        work_orders.work_order_priority,
        sequenced.region_office,
        sequenced.next_stage_at is null as is_current_stage,
        -- measures
        case
            when sequenced.next_stage_at is not null
                then {{ seconds_between('sequenced.stage_at', 'sequenced.next_stage_at') }}
        end as seconds_in_stage,
        -- timestamps
        sequenced.stage_at as stage_entered_at,
        sequenced.next_stage_at as stage_exited_at
    from sequenced
    left join work_orders on work_orders.work_order_id = sequenced.work_order_id
)

select * from final
