-- Every inbound call that reached a queue is counted in exactly one queue interval.
with

calls as (
    select count(*) as offered_calls
    from {{ ref('fct_calls') }}
    where call_direction = 'inbound' and is_offered
),

intervals as (
    select sum(offered_calls) as offered_calls from {{ ref('fct_queue_intervals') }}
),

final as (
    select calls.offered_calls as calls_offered, intervals.offered_calls as intervals_offered
    from calls
    cross join intervals
    where calls.offered_calls <> coalesce(intervals.offered_calls, 0)
)

select * from final
