-- The roster's on-duty periods: one row per engineer and shift that ends after it starts
-- (a shift that does not is listed by assert_engineer_shifts_end_after_start and never
-- counts as on duty). An engineer is on duty at t when shift_started_at <= t < shift_ended_at.
with

shifts as (
    select * from {{ ref('stg_ticketing__roster') }}
),

final as (
    select
        -- ids
        engineer_shift_id,
        engineer_id,
        -- attributes
        region_office,
        engineer_skills,
        -- measures
        {{ seconds_between('shift_started_at', 'shift_ended_at') }} / 60 as shift_minutes,
        -- timestamps
        shift_started_at,
        shift_ended_at
    from shifts
    where shift_ended_at > shift_started_at
)

select * from final
