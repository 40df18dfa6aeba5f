-- One row per call of every direction with what happened after it, for the operations
-- measures and the scorecards (docs/contact_center.md "Operations measures").
--
-- Censored windows: the data's own clock is its latest call (as_of_at). A call whose
-- follow-up window (var('fcr_window_days') for FCR, var('ivr_containment_hours') for the
-- IVR) has not closed by then is not yet counted either way: it is left out of both the
-- numerator and the denominator (is_fcr_closed, is_ivr_followable).
with

calls as (
    select * from {{ ref('fct_calls') }}
),

measured as (
    select * from {{ ref('int_calls_measured') }}
),

work_orders as (
    select * from {{ ref('int_work_orders_combined') }}
),

clock as (
    select max(call_started_at) as as_of_at from calls
),

calls_with_work_orders as (
    select distinct call_id from work_orders where call_id is not null
),

inbound_followed as (
    select
        call_id,
        lead(call_started_at) over (
            partition by customer_id order by call_started_at, call_id
        ) as next_inbound_call_at
    from calls
    where call_direction = 'inbound' and is_customer_identified
),

flagged as (
    select
        calls.*,
        measured.is_fcr_eligible,
        measured.is_first_contact_resolved,
        measured.is_answered_within_service_level as is_within_service_level,
        measured.has_survey,
        measured.is_survey_satisfied,
        measured.interval_date,
        measured.half_hour_of_day,
        measured.handle_seconds as measured_handle_seconds,
        inbound_followed.next_inbound_call_at,
        calls_with_work_orders.call_id is not null as has_work_order,
        coalesce(measured.is_fcr_eligible, false)
            and {{ dbt.dateadd('day', var('fcr_window_days', 7), 'calls.call_started_at') }} <= clock.as_of_at
            as is_fcr_closed,
        calls.call_direction = 'inbound' and calls.is_customer_identified
            and {{ dbt.dateadd('hour', var('ivr_containment_hours', 24), 'calls.call_started_at') }} <= clock.as_of_at
            as is_ivr_followable
    from calls
    cross join clock
    left join measured on measured.call_id = calls.call_id
    left join inbound_followed on inbound_followed.call_id = calls.call_id
    left join calls_with_work_orders on calls_with_work_orders.call_id = calls.call_id
),

final as (
    select
        -- ids
        call_id,
        customer_id,
        agent_id,
        coalesce(first_queue_name, 'unknown') as queue_name,
        coalesce(ivr_path, 'none') as ivr_path,
        -- attributes
        call_direction,
        final_disposition,
        is_offered,
        is_answered,
        is_abandoned,
        is_short_abandon,
        coalesce(is_within_service_level, false) as is_answered_within_service_level,
        call_direction = 'inbound' and not is_offered as is_ended_in_ivr,
        is_ivr_followable,
        is_ivr_followable and not is_offered
            and (
                next_inbound_call_at is null
                or next_inbound_call_at > {{ dbt.dateadd('hour', var('ivr_containment_hours', 24), 'call_started_at') }}
            ) as is_ivr_contained,
        call_direction = 'inbound' and final_disposition = 'callback_requested' as is_callback_requested,
        call_direction = 'outbound' as is_outbound,
        call_direction = 'outbound' and is_answered as is_outbound_connected,
        is_fcr_closed,
        is_fcr_closed and is_first_contact_resolved as is_first_contact_resolved_closed,
        has_work_order,
        is_fcr_closed and is_first_contact_resolved and not has_work_order as is_tier1_resolved,
        coalesce(has_survey, false) as has_survey,
        coalesce(is_survey_satisfied, false) as is_survey_satisfied,
        case
            when not is_offered then null
            {%- set bands = var('abandon_wait_bands_seconds', [5, 20, 60, 120, 300]) %}
            {%- for edge in bands %}
            when queue_wait_seconds < {{ edge }} then '{{ bands[loop.index0 - 1] if not loop.first else 0 }}-{{ edge }}s'
            {%- endfor %}
            else '{{ bands[-1] }}s+'
        end as wait_band,
        -- measures
        queue_wait_seconds,
        coalesce(measured_handle_seconds, 0) as handle_seconds,
        -- dates
        call_date,
        interval_date,
        half_hour_of_day,
        -- timestamps
        call_started_at
    from flagged
)

select * from final
