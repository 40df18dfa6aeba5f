-- Field alerts for R&D (docs/field_quality.md): vehicles and work orders only, no customer.
with served as (
    select * from {{ ref('fct_field_alerts') }}
)

{{ select_served() }}
