-- Handled calls, handle time, FCR and CSAT per agent and day.
with served as (
    select * from {{ ref('fct_agent_days') }}
)

{{ select_served() }}
