-- One row per agent and Beijing week (Monday) in which the agent answered an inbound queued
-- call (the agent who ended it), with the counts the scorecards are made of and the agent's
-- team, primary queue, site and hire date from the roster. A QA review counts in the week
-- of the call it reviews.
with

calls as (
    select * from {{ ref('int_calls_outcomes') }}
),

agents as (
    select * from {{ ref('stg_acd__agents') }}
),

reviews as (
    select * from {{ ref('stg_ops__qa_reviews') }}
),

answered as (
    select
        calls.*,
        {{ week_start('calls.interval_date') }} as week_start_date,
        reviews.qa_points,
        reviews.qa_possible_points,
        reviews.call_id is not null as is_reviewed
    from calls
    left join reviews on reviews.call_id = calls.call_id
    where calls.call_direction = 'inbound' and calls.is_answered and calls.agent_id is not null
),

aggregated as (
    select
        agent_id,
        week_start_date,
        count(*) as answered_calls,
        {{ count_where('is_answered_within_service_level') }} as answered_within_service_level_calls,
        {{ total('handle_seconds') }} as handle_seconds,
        {{ count_where('is_fcr_closed') }} as fcr_closed_calls,
        {{ count_where('is_first_contact_resolved_closed') }} as first_contact_resolved_closed_calls,
        {{ count_where('has_survey') }} as survey_responses,
        {{ count_where('is_survey_satisfied') }} as satisfied_responses,
        {{ count_where('is_reviewed') }} as qa_reviewed_calls,
        {{ total('coalesce(qa_points, 0)') }} as qa_points,
        {{ total('coalesce(qa_possible_points, 0)') }} as qa_possible_points
    from answered
    group by agent_id, week_start_date
),

final as (
    select
        -- ids
        {{ dbt.concat(["aggregated.agent_id", "'|'", dbt.safe_cast("aggregated.week_start_date", dbt.type_string())]) }}
            as agent_week_id,
        aggregated.agent_id,
        -- attributes
        coalesce(agents.agent_team, 'unknown') as agent_team,
        coalesce(agents.primary_queue, 'unknown') as primary_queue,
        coalesce(agents.agent_site, 'unknown') as agent_site,
        agents.hired_on,
        -- dates
        aggregated.week_start_date,
        -- counts
        aggregated.answered_calls,
        aggregated.answered_within_service_level_calls,
        aggregated.handle_seconds,
        aggregated.fcr_closed_calls,
        aggregated.first_contact_resolved_closed_calls,
        aggregated.survey_responses,
        aggregated.satisfied_responses,
        aggregated.qa_reviewed_calls,
        aggregated.qa_points,
        aggregated.qa_possible_points
    from aggregated
    left join agents on agents.agent_id = aggregated.agent_id
)

select * from final
