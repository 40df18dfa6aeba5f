-- Scorecards per agent, team and site and week: each KPI against its target, with trend.
with served as (
    select * from {{ ref('fct_scorecards') }}
)

{{ select_served() }}
