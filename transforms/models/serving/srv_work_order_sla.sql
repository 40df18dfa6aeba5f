-- Each work order's stage times against its SLA, without the customer.
with served as (
    select * from {{ ref('fct_work_order_sla') }}
)

{{ select_served() }}
