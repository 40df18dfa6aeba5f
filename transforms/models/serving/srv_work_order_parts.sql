-- Parts used per work order (ServiceRecord.partsUsed), with warehouse and engineer.
with served as (
    select * from {{ ref('fct_work_order_parts') }}
)

{{ select_served() }}
