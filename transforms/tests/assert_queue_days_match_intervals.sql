-- The day mart and the interval mart count the same calls: summing the numerators and
-- denominators of a queue's intervals gives its day's, exactly.
with

intervals as (
    select queue_name, interval_date,
        sum(offered_calls) as offered_calls,
        sum(answered_within_service_level_calls) as answered_within_service_level_calls,
        sum(handle_seconds) as handle_seconds
    from {{ ref('fct_queue_intervals') }}
    group by queue_name, interval_date
),

days as (
    select * from {{ ref('fct_queue_days') }}
),

final as (
    select intervals.*
    from intervals
    left join days
        on days.queue_name = intervals.queue_name
        and days.call_date = intervals.interval_date
    where days.queue_name is null
        or days.offered_calls <> intervals.offered_calls
        or days.answered_within_service_level_calls <> intervals.answered_within_service_level_calls
        or days.handle_seconds <> intervals.handle_seconds
)

select * from final
