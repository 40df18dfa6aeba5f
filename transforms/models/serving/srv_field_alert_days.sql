-- Each alert's daily evidence: observed against expected failures.
with served as (
    select * from {{ ref('fct_field_alert_days') }}
)

{{ select_served() }}
