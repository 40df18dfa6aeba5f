-- One row per engineer and shift: the latest version of each (engineer, shift start).
with

source as (
    select * from {{ source('ticketing', 'ticketing__roster') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by engineer_id, on_duty_from order by updated_at desc, {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        {{ dbt.concat(["engineer_id", "'|'", dbt.safe_cast("on_duty_from", dbt.type_string())]) }} as engineer_shift_id,
        engineer_id,
        -- attributes
        region_office,
        skills as engineer_skills,
        -- timestamps
        on_duty_from as shift_started_at,
        on_duty_to as shift_ended_at,
        updated_at as roster_published_at
    from ranked
    where version_rank = 1
)

select * from final
