-- IVR containment per day and IVR path.
with served as (
    select * from {{ ref('fct_ivr_days') }}
)

{{ select_served() }}
