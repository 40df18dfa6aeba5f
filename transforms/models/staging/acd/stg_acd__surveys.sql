with

source as (
    select * from {{ source('acd', 'acd__surveys') }}
),

ranked as (
    select
        *,
        row_number() over (partition by call_id order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        call_id,
        agent_id,
        -- attributes
        score as survey_score,
        -- timestamps
        surveyed_at
    from ranked
    where version_rank = 1
)

select * from final
