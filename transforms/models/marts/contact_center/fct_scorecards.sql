-- Scorecards: one row per scope (agent, team or site), Beijing week and KPI of
-- hub/kpis.py SCORECARD, with its numerator and denominator, its target
-- (contact_center_targets: the agent's or team's team and primary queue; a site has the
-- '*' targets), whether it is met and the change since the week before (trend).
-- A team or site sums its agents' counts, then divides.
with

agent_weeks as (
    select * from {{ ref('int_agent_weeks') }}
),

samples as (
    select * from {{ ref('fct_qa_samples') }}
),

coverage as (
    select
        agent_id,
        week_start_date,
        max(required_reviews) as qa_required_reviews,
        {{ count_where('is_reviewed and sample_rank <= required_reviews') }} as qa_reviewed_sampled_calls
    from samples
    group by agent_id, week_start_date
),

agents as (
    select
        agent_weeks.*,
        coalesce(coverage.qa_required_reviews, 0) as qa_required_reviews,
        coalesce(coverage.qa_reviewed_sampled_calls, 0) as qa_reviewed_sampled_calls
    from agent_weeks
    left join coverage
        on coverage.agent_id = agent_weeks.agent_id
        and coverage.week_start_date = agent_weeks.week_start_date
),

{%- set counts = ['answered_calls', 'answered_within_service_level_calls', 'handle_seconds', 'fcr_closed_calls',
                  'first_contact_resolved_closed_calls', 'survey_responses', 'satisfied_responses', 'qa_points',
                  'qa_possible_points', 'qa_reviewed_sampled_calls', 'qa_required_reviews'] %}

scopes as (
    select
        'agent' as scope_level, agent_id as scope_id, agent_team as team, primary_queue as queue_name, week_start_date,
        {% for c in counts %}{{ c }}{{ ',' if not loop.last }} {% endfor %}
    from agents
    union all
    select
        'team' as scope_level, agent_team as scope_id, agent_team as team, min(primary_queue) as queue_name,
        week_start_date,
        {% for c in counts %}{{ total(c) }} as {{ c }}{{ ',' if not loop.last }} {% endfor %}
    from agents
    group by agent_team, week_start_date
    union all
    select
        'site' as scope_level, agent_site as scope_id, '*' as team, '*' as queue_name, week_start_date,
        {% for c in counts %}{{ total(c) }} as {{ c }}{{ ',' if not loop.last }} {% endfor %}
    from agents
    group by agent_site, week_start_date
),

measured as (
    {%- for name in scorecard_kpis() %}
    {%- set parts = kpi_parts(name) %}
    select
        scope_level, scope_id, team, queue_name, week_start_date,
        '{{ name }}' as kpi_name,
        {{ loop.index }} as kpi_position,
        {{ parts[2] }} as is_higher_better,
        cast({{ parts[0] }} as {{ type_double() }}) as numerator,
        cast({{ parts[1] }} as {{ type_double() }}) as denominator,
        {{ ratio(parts[0], parts[1]) }} as kpi_value,
        {{ target_for("'" ~ name ~ "'", 'scopes.team', 'scopes.queue_name', 'scopes.week_start_date') }} as target_value
    from scopes
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

trended as (
    select
        measured.*,
        lag(week_start_date) over (partition by scope_level, scope_id, kpi_name order by week_start_date)
            as previous_week_start_date,
        lag(kpi_value) over (partition by scope_level, scope_id, kpi_name order by week_start_date)
            as previous_row_value
    from measured
),

final as (
    select
        -- ids
        {{ dbt.concat(["scope_level", "'|'", "scope_id", "'|'", dbt.safe_cast("week_start_date", dbt.type_string()),
                       "'|'", "kpi_name"]) }} as scorecard_id,
        scope_level,
        scope_id,
        -- attributes
        team,
        queue_name,
        kpi_name,
        kpi_position,
        is_higher_better,
        -- measures
        numerator,
        denominator,
        kpi_value,
        target_value,
        case when kpi_value is not null and target_value is not null
            then case when is_higher_better then kpi_value >= target_value else kpi_value <= target_value end
        end as is_target_met,
        case when previous_week_start_date = {{ dbt.dateadd('day', -7, 'week_start_date') }}
            then previous_row_value end as previous_kpi_value,
        case
            when previous_week_start_date <> {{ dbt.dateadd('day', -7, 'week_start_date') }}
                or previous_row_value is null or kpi_value is null then null
            when kpi_value = previous_row_value then 'flat'
            when (kpi_value > previous_row_value) = is_higher_better then 'better'
            else 'worse'
        end as trend,
        -- dates
        week_start_date
    from trended
)

select * from final
