-- The failures behind each alert; fault texts with long digit runs already masked in the mart.
with served as (
    select * from {{ ref('fct_field_alert_failures') }}
)

{{ select_served() }}
