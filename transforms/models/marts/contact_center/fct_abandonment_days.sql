-- Abandonment by cause: per Beijing day (of queue entry), queue, IVR path and wait band
-- (how long the caller had waited when answered or when hanging up; bands from
-- var('abandon_wait_bands_seconds')), the calls offered, answered and abandoned. The
-- abandon rate leaves short abandons out, as in fct_queue_intervals: in the first band it
-- is NULL whenever every abandon in it was short.
with

calls as (
    select * from {{ ref('int_calls_outcomes') }}
    where is_offered and call_direction = 'inbound'
),

aggregated as (
    select
        interval_date as call_date,
        queue_name,
        ivr_path,
        wait_band,
        count(*) as offered_calls,
        {{ count_where('is_answered') }} as answered_calls,
        {{ count_where('is_abandoned') }} as abandoned_calls,
        {{ count_where('is_short_abandon') }} as short_abandoned_calls,
        {{ count_where('is_abandoned and not is_short_abandon') }} as counted_abandoned_calls,
        {{ count_where('not is_short_abandon') }} as service_level_base_calls,
        {{ count_where('is_callback_requested') }} as callback_requests
    from calls
    group by interval_date, queue_name, ivr_path, wait_band
),

final as (
    select
        -- ids
        {{ dbt.concat([dbt.safe_cast("call_date", dbt.type_string()), "'|'", "queue_name", "'|'", "ivr_path", "'|'",
                       "wait_band"]) }} as abandonment_day_id,
        queue_name,
        -- attributes
        ivr_path,
        wait_band,
        -- dates
        call_date,
        -- measures
        cast(offered_calls as {{ dbt.type_bigint() }}) as offered_calls,
        answered_calls,
        abandoned_calls,
        short_abandoned_calls,
        counted_abandoned_calls,
        service_level_base_calls,
        callback_requests,
        {{ kpi('abandon_rate') }} as abandon_rate
    from aggregated
)

select * from final
