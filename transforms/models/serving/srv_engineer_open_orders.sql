-- Open work orders with their assigned engineer, without the customer (Engineer.openOrders, load).
with served as (
    select * from {{ ref('fct_engineer_open_orders') }}
)

{{ select_served() }}
