-- One row per call leg. The caller number is kept only in E.164 with its kind.
with

source as (
    select * from {{ source('acd', 'acd__call_legs') }}
),

ranked as (
    select
        *,
        row_number() over (partition by call_id, leg_no order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        {{ dbt.concat(["call_id", "'-'", dbt.safe_cast("leg_no", dbt.type_string())]) }} as call_leg_id,
        call_id,
        leg_no,
        agent_id,
        ani_e164,
        -- attributes
        ani_kind,
        direction as call_direction,
        dnis,
        ivr_path,
        queue as queue_name,
        disposition as leg_disposition,
        transfer_to_queue,
        acd_node,
        coalesce(talk_seconds, 0) as talk_seconds,
        coalesce(hold_seconds, 0) as hold_seconds,
        coalesce(wrapup_seconds, 0) as wrapup_seconds,
        -- timestamps
        started_at,
        enqueued_at,
        answered_at,
        ended_at
    from ranked
    where version_rank = 1
)

select * from final
