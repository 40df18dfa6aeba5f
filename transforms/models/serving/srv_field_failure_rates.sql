-- Weekly failure rates per model, component and region office (the dashboard's).
with served as (
    select * from {{ ref('fct_field_failure_rates_weekly') }}
)

{{ select_served() }}
