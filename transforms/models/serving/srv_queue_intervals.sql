-- Contact-centre KPIs per queue and half hour (docs/contact_center.md); ratios travel with their parts.
with served as (
    select * from {{ ref('fct_queue_intervals') }}
)

{{ select_served() }}
