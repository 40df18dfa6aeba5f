-- Per queue and Beijing day (of the call's start): outbound calls made and answered,
-- callers who asked for a callback, and resolution with the 7-day window censored:
-- first-contact resolution and tier-1 resolution (resolved at first contact with no work
-- order opened from the call: solved in the contact centre) over the answered calls of
-- identified customers whose 7 days have passed by the latest call (int_calls_outcomes).
-- Unlike fct_queue_days' first_contact_resolution, a call of the last 7 days is not yet
-- counted as resolved.
with

calls as (
    select * from {{ ref('int_calls_outcomes') }}
),

aggregated as (
    select
        queue_name,
        call_date,
        {{ count_where('is_outbound') }} as outbound_attempts,
        {{ count_where('is_outbound_connected') }} as outbound_connects,
        {{ count_where('is_callback_requested') }} as callback_requests,
        {{ count_where('is_fcr_closed') }} as fcr_closed_calls,
        {{ count_where('is_first_contact_resolved_closed') }} as first_contact_resolved_closed_calls,
        {{ count_where('is_tier1_resolved') }} as tier1_resolved_calls
    from calls
    group by queue_name, call_date
),

final as (
    select
        -- ids
        {{ dbt.concat(["queue_name", "'|'", dbt.safe_cast("call_date", dbt.type_string())]) }} as queue_operations_day_id,
        queue_name,
        -- dates
        call_date,
        -- measures
        outbound_attempts,
        outbound_connects,
        callback_requests,
        fcr_closed_calls,
        first_contact_resolved_closed_calls,
        tier1_resolved_calls,
        {{ kpi('outbound_connect_rate') }} as outbound_connect_rate,
        {{ kpi('callback_completion') }} as callback_completion,
        {{ kpi('first_contact_resolution_closed') }} as first_contact_resolution_closed,
        {{ kpi('tier1_resolution') }} as tier1_resolution
    from aggregated
)

select * from final
