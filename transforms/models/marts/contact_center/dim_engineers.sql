-- One row per field engineer of the roster: the region office and skills of their latest
-- shift (a transfer or a new skill shows from the next roster on), and their shifts' span.
with

shifts as (
    select * from {{ ref('stg_ticketing__roster') }}
),

engineers as (
    select
        engineer_id,
        {{ last_by('region_office', 'shift_started_at') }} as region_office,
        {{ last_by('engineer_skills', 'shift_started_at') }} as engineer_skills,
        count(*) as shift_count,
        min(shift_started_at) as first_shift_started_at,
        max(shift_ended_at) as last_shift_ended_at
    from shifts
    group by engineer_id
),

final as (
    select
        -- ids
        engineer_id,
        -- attributes
        region_office,
        engineer_skills,
        -- measures
        shift_count,
        -- timestamps
        first_shift_started_at,
        last_shift_ended_at
    from engineers
)

select * from final
