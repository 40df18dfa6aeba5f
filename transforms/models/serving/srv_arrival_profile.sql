-- Mean calls offered per queue, weekday and Beijing half hour.
with served as (
    select * from {{ ref('fct_arrival_profile') }}
)

{{ select_served() }}
