-- One row per agent and Beijing day on which the agent answered at least one inbound
-- queued call (the agent who ended the call: for a transfer, the last leg's agent). Handle
-- time is the whole call's; FCR and CSAT as in fct_queue_days.
with

calls as (
    select * from {{ ref('int_calls_measured') }}
),

answered as (
    select * from calls
    where is_answered and agent_id is not null
),

aggregated as (
    select
        agent_id,
        interval_date as call_date,
        count(*) as handled_calls,
        {{ total('handle_seconds') }} as handle_seconds,
        {{ count_where("is_fcr_eligible") }} as fcr_eligible_calls,
        {{ count_where("is_first_contact_resolved") }} as first_contact_resolved_calls,
        {{ count_where("has_survey") }} as survey_responses,
        {{ count_where("is_survey_satisfied") }} as satisfied_responses
    from answered
    group by agent_id, interval_date
),

final as (
    select
        -- ids
        {{ dbt.concat(["agent_id", "'|'", dbt.safe_cast("call_date", dbt.type_string())]) }} as agent_day_id,
        agent_id,
        -- dates
        call_date,
        -- handle time
        handled_calls,
        handle_seconds,
        {{ ratio('handle_seconds', 'handled_calls') }} as average_handle_seconds,
        -- first-contact resolution
        first_contact_resolved_calls,
        fcr_eligible_calls,
        {{ ratio('first_contact_resolved_calls', 'fcr_eligible_calls') }} as first_contact_resolution,
        -- satisfaction
        satisfied_responses,
        survey_responses,
        {{ ratio('satisfied_responses', 'survey_responses') }} as csat
    from aggregated
)

select * from final
