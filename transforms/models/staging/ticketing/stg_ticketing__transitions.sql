with

source as (
    select * from {{ source('ticketing', 'ticketing__transitions') }}
),

ranked as (
    select
        *,
        row_number() over (partition by work_order_id, seq order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        {{ dbt.concat(["work_order_id", "'-'", dbt.safe_cast("seq", dbt.type_string())]) }} as transition_id,
        work_order_id,
        seq as transition_seq,
        engineer_id,
        -- attributes
        stage as work_order_stage,
        region_office,
        parts,
        warehouse,
        resolution,
        callback_score,
        -- timestamps
        stage_at
    from ranked
    where version_rank = 1
)

select * from final
