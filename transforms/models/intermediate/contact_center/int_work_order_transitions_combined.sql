-- Every stage change of a work order: the ticketing export's, then the contact engine's,
-- numbered on after the export's last one (in the order the ops log recorded them).
with

ticketing as (
    select * from {{ ref('stg_ticketing__transitions') }}
),

changes as (
    select * from {{ ref('stg_ops__work_order_changes') }}
),

last_ticketing_seq as (
    select work_order_id, max(transition_seq) as last_transition_seq
    from ticketing
    group by work_order_id
),

ops_transitions as (
    select
        changes.work_order_change_id as transition_id,
        changes.work_order_id,
        coalesce(last_ticketing_seq.last_transition_seq, 0)
            + row_number() over (partition by changes.work_order_id order by changes.ops_seq) as transition_seq,
        changes.engineer_id,
        changes.work_order_stage,
        changes.region_office,
        changes.parts,
        changes.warehouse,
        changes.resolution,
        cast(null as {{ dbt.type_int() }}) as callback_score,
        changes.stage_at
    from changes
    left join last_ticketing_seq on last_ticketing_seq.work_order_id = changes.work_order_id
),

final as (
    select
        transition_id, work_order_id, transition_seq, engineer_id, work_order_stage, region_office,
        parts, warehouse, resolution, callback_score, stage_at
    from ticketing
    union all
    select
        transition_id, work_order_id, transition_seq, engineer_id, work_order_stage, region_office,
        parts, warehouse, resolution, callback_score, stage_at
    from ops_transitions
)

select * from final
