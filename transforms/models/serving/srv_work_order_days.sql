-- Work-order volumes, backlog and SLA compliance per day, region, category and priority.
with served as (
    select * from {{ ref('fct_work_order_days') }}
)

{{ select_served() }}
