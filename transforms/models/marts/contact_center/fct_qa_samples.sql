-- The week's QA sample: per agent and Beijing week, the answered calls a supervisor must
-- review (docs/contact_center.md "QA sampling"). Each agent gets
-- var('qa_reviews_per_week') (1) reviewed calls a week, var('qa_reviews_per_week_watched')
-- (5) when the agent is new (the week starts within var('qa_new_agent_days') (90) days of
-- the hire date) or was below target on QA score or CSAT the week before (targets from
-- contact_center_targets); never more than the agent answered. Which calls: the lowest
-- hashes of var('qa_sample_seed') and the call id, so a seed gives the same sample on every
-- rebuild and engine, and no one can steer which calls are picked.
with

agent_weeks as (
    select * from {{ ref('int_agent_weeks') }}
),

calls as (
    select * from {{ ref('int_calls_outcomes') }}
),

reviews as (
    select * from {{ ref('stg_ops__qa_reviews') }}
),

previous as (
    select
        agent_weeks.*,
        {{ ratio('qa_points', 'qa_possible_points') }} as qa_score,
        {{ ratio('satisfied_responses', 'survey_responses') }} as csat,
        {{ target_for("'qa_score'", 'agent_weeks.agent_team', 'agent_weeks.primary_queue', 'agent_weeks.week_start_date') }} as qa_score_target,
        {{ target_for("'csat'", 'agent_weeks.agent_team', 'agent_weeks.primary_queue', 'agent_weeks.week_start_date') }} as csat_target
    from agent_weeks
),

rules as (
    select
        agent_weeks.agent_id,
        agent_weeks.week_start_date,
        agent_weeks.answered_calls,
        agent_weeks.hired_on is not null
            and agent_weeks.week_start_date < {{ dbt.dateadd('day', var('qa_new_agent_days', 90), 'agent_weeks.hired_on') }}
            as is_new_agent,
        coalesce(not ({{ meets_target('qa_score', 'previous.qa_score', 'previous.qa_score_target') }}), false)
            as was_below_qa_target,
        coalesce(not ({{ meets_target('csat', 'previous.csat', 'previous.csat_target') }}), false)
            as was_below_csat_target
    from agent_weeks
    left join previous
        on previous.agent_id = agent_weeks.agent_id
        and previous.week_start_date = {{ dbt.dateadd('day', -7, 'agent_weeks.week_start_date') }}
),

required as (
    select
        *,
        case
            when is_new_agent then 'new_agent'
            when was_below_qa_target then 'below_qa_target'
            when was_below_csat_target then 'below_csat_target'
            else 'standard'
        end as sample_reason,
        case
            when is_new_agent or was_below_qa_target or was_below_csat_target
                then {{ var('qa_reviews_per_week_watched', 5) }}
            else {{ var('qa_reviews_per_week', 1) }}
        end as reviews_due
    from rules
),

ranked as (
    select
        calls.call_id,
        calls.customer_id,
        calls.agent_id,
        calls.queue_name,
        calls.call_started_at,
        {{ week_start('calls.interval_date') }} as week_start_date,
        row_number() over (
            partition by calls.agent_id, {{ week_start('calls.interval_date') }}
            order by {{ dbt.hash(dbt.concat(["'" ~ var('qa_sample_seed', 0) ~ "'", "'|'", "calls.call_id"])) }},
                calls.call_id
        ) as sample_rank
    from calls
    where calls.call_direction = 'inbound' and calls.is_answered and calls.agent_id is not null
),

final as (
    select
        -- ids
        ranked.call_id,
        ranked.agent_id,
        ranked.customer_id,
        reviews.reviewer_id,
        -- attributes
        ranked.queue_name,
        required.sample_reason,
        ranked.sample_rank,
        {{ least_of('required.reviews_due', 'required.answered_calls') }} as required_reviews,
        reviews.call_id is not null as is_reviewed,
        reviews.qa_scores,
        -- measures
        reviews.qa_points,
        reviews.qa_possible_points,
        {{ ratio('reviews.qa_points', 'reviews.qa_possible_points') }} as qa_score,
        -- dates
        ranked.week_start_date,
        -- timestamps
        ranked.call_started_at,
        reviews.reviewed_at
    from ranked
    inner join required
        on required.agent_id = ranked.agent_id
        and required.week_start_date = ranked.week_start_date
    left join reviews on reviews.call_id = ranked.call_id
    where ranked.sample_rank <= required.reviews_due
)

select * from final
