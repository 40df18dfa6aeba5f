-- IVR containment per Beijing day (of the call's start) and IVR path (the first leg's):
-- every inbound call passes the IVR; it ended there when it never reached a queue; it was
-- contained (served by the IVR) when the caller, an identified customer, did not call again
-- within var('ivr_containment_hours') (24). Unknown callers cannot be followed and calls
-- whose 24 hours have not passed by the latest call are not counted yet (int_calls_outcomes).
with

calls as (
    select * from {{ ref('int_calls_outcomes') }}
    where call_direction = 'inbound'
),

aggregated as (
    select
        call_date,
        ivr_path,
        count(*) as ivr_calls,
        {{ count_where('is_ended_in_ivr') }} as ivr_ended_calls,
        {{ count_where('is_ivr_followable') }} as ivr_followable_calls,
        {{ count_where('is_ivr_contained') }} as ivr_contained_calls
    from calls
    group by call_date, ivr_path
),

final as (
    select
        -- ids
        {{ dbt.concat([dbt.safe_cast("call_date", dbt.type_string()), "'|'", "ivr_path"]) }} as ivr_day_id,
        ivr_path,
        -- dates
        call_date,
        -- measures
        cast(ivr_calls as {{ dbt.type_bigint() }}) as ivr_calls,
        ivr_ended_calls,
        ivr_followable_calls,
        ivr_contained_calls,
        {{ kpi('ivr_containment') }} as ivr_containment
    from aggregated
)

select * from final
