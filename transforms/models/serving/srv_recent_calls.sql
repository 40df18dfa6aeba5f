-- The most recent calls of each identified customer (serving_recent_rows of them).
with ranked as (
    select
        calls.*,
        row_number() over (partition by calls.customer_id order by calls.call_started_at desc, calls.call_id) as recency
    from {{ ref('fct_calls') }} as calls
    where calls.customer_id is not null and calls.customer_id <> 'UNKNOWN'
),

served as (
    select
        call_id, customer_id, call_started_at, call_direction,
        final_queue_name as queue_name, final_disposition as disposition, is_answered,
        queue_wait_seconds, handle_seconds, survey_score
    from ranked
    where recency <= {{ var('serving_recent_rows') }}
)

{{ select_served() }}
