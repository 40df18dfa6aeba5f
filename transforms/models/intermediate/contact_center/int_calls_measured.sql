-- One row per inbound call that reached a queue (offered), with the interval it belongs
-- to and whether it was resolved at first contact.
--
-- A call counts once, in the queue it entered first and the 30-minute interval of that
-- entry (a call queued at 09:29:50 and answered at 09:30:15 is offered and answered in
-- 09:00-09:30). A transferred call stays one contact: its handle time is the sum of all
-- its legs (fct_calls).
--
-- First-contact resolution (docs/design.md): an answered call of an identified customer is
-- resolved at first contact when the same customer does not call again on the same issue
-- within var('fcr_window_days') (7) days of its start. The issue is the queue the caller
-- chose in the IVR (first queue): the menu is organised by reason for calling (service,
-- repair, complaints, ...). Calls of unknown callers cannot be followed and are left out
-- of FCR (is_fcr_eligible false).
with

calls as (
    select * from {{ ref('fct_calls') }}
),

legs as (
    select * from {{ ref('stg_acd__call_legs') }}
),

entries as (
    select call_id, min(enqueued_at) as enqueued_at
    from legs
    group by call_id
),

offered as (
    select
        calls.*,
        entries.enqueued_at
    from calls
    inner join entries on entries.call_id = calls.call_id
    where calls.call_direction = 'inbound'
        and calls.is_offered
),

followed as (
    select
        offered.*,
        lead(offered.call_started_at) over (
            partition by offered.customer_id, offered.first_queue_name
            order by offered.call_started_at, offered.call_id
        ) as next_same_issue_call_at
    from offered
),

final as (
    select
        -- ids
        call_id,
        customer_id,
        agent_id,
        coalesce(first_queue_name, 'unknown') as queue_name,
        -- attributes
        is_answered,
        is_abandoned,
        is_short_abandon,
        is_answered_within_service_level,
        transfer_count > 0 as is_transferred,
        is_answered and is_customer_identified as is_fcr_eligible,
        is_answered and is_customer_identified
            and (
                next_same_issue_call_at is null
                or next_same_issue_call_at > {{ dbt.dateadd('day', var('fcr_window_days', 7), 'call_started_at') }}
            ) as is_first_contact_resolved,
        survey_score is not null as has_survey,
        survey_score >= 4 as is_survey_satisfied,
        {{ local_half_hour_of_day('enqueued_at') }} as half_hour_of_day,
        -- measures
        queue_wait_seconds,
        case when is_answered then handle_seconds else 0 end as handle_seconds,
        survey_score,
        -- dates
        {{ local_date('enqueued_at') }} as interval_date,
        -- timestamps
        {{ half_hour_start('enqueued_at') }} as interval_start_at,
        enqueued_at,
        call_started_at
    from followed
)

select * from final
