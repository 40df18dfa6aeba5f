-- Contact-centre KPIs per queue and day.
with served as (
    select * from {{ ref('fct_queue_days') }}
)

{{ select_served() }}
