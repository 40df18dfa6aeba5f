-- Outbound, callbacks, censored FCR and tier-1 resolution per queue and day.
with served as (
    select * from {{ ref('fct_queue_operations_days') }}
)

{{ select_served() }}
