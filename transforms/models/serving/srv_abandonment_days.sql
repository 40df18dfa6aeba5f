-- Offered, answered and abandoned calls per day, queue, IVR path and wait band.
with served as (
    select * from {{ ref('fct_abandonment_days') }}
)

{{ select_served() }}
