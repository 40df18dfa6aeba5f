{{ config(meta={'dagster': {'ref': {'name': 'int_identity_edges'}}}) }}
-- After the guards, a phone that links records names one customer only.
with

edges as (
    select * from {{ ref('int_identity_edges') }}
    where identifier_type = 'phone'
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
)

select edges.identifier_value, count(distinct resolved.customer_id) as customer_count
from edges
inner join resolved on resolved.crm_customer_id = edges.crm_customer_id
group by edges.identifier_value
having count(distinct resolved.customer_id) > 1
