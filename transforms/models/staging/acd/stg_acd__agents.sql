-- One row per agent: the latest roster version (the raw key includes updated_at).
with

source as (
    select * from {{ source('acd', 'acd__agents') }}
),

ranked as (
    select
        *,
        row_number() over (partition by agent_id order by updated_at desc, {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        agent_id,
        -- attributes
        team as agent_team,
        primary_queue,
        skills,
        site as agent_site,
        -- dates
        hired_on,
        left_on,
        -- timestamps
        updated_at
    from ranked
    where version_rank = 1
)

select * from final
