-- Open work orders and engineers on duty per region office, now.
with served as (
    select * from {{ ref('fct_region_workload') }}
)

{{ select_served() }}
